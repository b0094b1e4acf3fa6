import * as fs from 'node:fs/promises';
import { ConfigurationError } from '../errors';

/**
 * Parses a compose `.env` file: `NAME=value` lines, blank lines and `#`
 * comment lines, an optional `export ` prefix, values in double quotes (with
 * `\n`, `\t`, `\"` and `\\` escapes) or single quotes (taken literally), and
 * ` #` comments after unquoted values. A line without `=` sets nothing.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const name = line.slice(0, equals).trim();
    variables[name] = parseValue(line.slice(equals + 1).trim());
  }
  return variables;
}

function parseValue(value: string): string {
  if (value.startsWith('"')) {
    const end = closingQuote(value);
    const inner = value.slice(1, end < 0 ? undefined : end);
    return inner.replace(/\\([nrt"\\])/g, (_match, escaped: string) => ({ n: '\n', r: '\r', t: '\t' })[escaped as 'n'] ?? escaped);
  }
  if (value.startsWith("'")) {
    const end = value.indexOf("'", 1);
    return value.slice(1, end < 0 ? undefined : end);
  }
  return value.replace(/\s+#.*$/, '');
}

function closingQuote(value: string): number {
  for (let index = 1; index < value.length; index++) {
    if (value[index] === '\\') index++;
    else if (value[index] === '"') return index;
  }
  return -1;
}

/** Reads and parses a `.env` file; a missing file gives no variables. */
export async function readDotEnv(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return {};
    throw new ConfigurationError(`Could not read ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  return parseDotEnv(text);
}
