import { ConfigurationError } from '../errors';

/**
 * Splits a compose `entrypoint` or `command` string into argv words the way
 * Docker Compose does (POSIX shell quoting: single quotes, double quotes with
 * backslash escapes, backslash outside quotes), without any expansion.
 */
export function splitCommandWords(text: string, where: { file: string; jsonPath: string }): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && index + 1 < text.length && '"\\$`'.includes(text[index + 1])) current += text[++index];
      else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\' && index + 1 < text.length) {
      current += text[++index];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) {
    throw new ConfigurationError(`Unclosed ${quote} quote in ${where.jsonPath} of ${where.file}: ${text}`, where);
  }
  if (inWord) words.push(current);
  return words;
}
