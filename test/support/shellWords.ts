/**
 * Splits a command line into words with POSIX shell quoting rules and no
 * expansion: single quotes keep everything literally, double quotes allow
 * backslash escapes of `"`, `\`, `$` and backquote, and an unquoted backslash
 * escapes the next character.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const char = line[i];
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`Unterminated single quote in: ${line}`);
      current += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (char === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
          current += line[i + 1];
          i += 2;
        } else {
          current += line[i];
          i++;
        }
      }
      if (i >= line.length) throw new Error(`Unterminated double quote in: ${line}`);
      inWord = true;
      i++;
    } else if (char === '\\' && i + 1 < line.length) {
      current += line[i + 1];
      inWord = true;
      i += 2;
    } else if (char === ' ' || char === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      i++;
    } else {
      current += char;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(current);
  return words;
}
