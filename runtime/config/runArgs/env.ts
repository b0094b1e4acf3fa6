import { resolve } from 'node:path';
import { messageOf } from '../../errors';
import { cut, type FlagUse, InvalidFlagValue, type ParseState } from './flag';

/**
 * `--env` / `-e` and `--env-file`. Error text names variables but never
 * shows their values, which may be secrets.
 */

/** `NAME=value` is kept verbatim, quotes included. `NAME` alone copies the host's value, or is skipped when unset. */
export function addEnv(use: FlagUse, state: ParseState): void {
  const { before: name, found } = cut(use.value, '=');
  if (name === '') {
    throw new InvalidFlagValue('the variable name is empty.', 'Write NAME=value, or NAME to copy the host value.');
  }

  if (found) {
    state.envFromFlags.push(use.value);
    return;
  }
  const hostValue = state.hostEnv[name];
  if (hostValue !== undefined) {
    state.envFromFlags.push(`${name}=${hostValue}`);
  }
}

/** Adds the entries of an env file. A relative path is resolved against the folder of devcontainer.json. */
export function addEnvFile(use: FlagUse, state: ParseState): void {
  const path = resolve(state.folder, use.value);
  let text: string;
  try {
    text = state.readFile(path);
  } catch (error) {
    throw new InvalidFlagValue(
      `reading "${path}" failed: ${messageOf(error)}.`,
      'Check the path. A relative path is resolved against the folder that contains devcontainer.json.',
      { cause: error },
    );
  }
  state.envFromFiles.push(...parseEnvFile(text, state.hostEnv, path));
}

/** Whitespace as Go's unicode.IsSpace defines it, which docker trims from the start of each line. */
const leadingSpace = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * Parses docker's env-file format (docker/cli pkg/kvfile): one `NAME=value`
 * per line with leading whitespace removed and the rest of the line kept
 * as-is, so quotes and trailing spaces are part of the value. Empty lines
 * and lines starting with `#` are skipped, and a line with `NAME` alone
 * copies the host value or is skipped when the host has none. Returns
 * `NAME=value` entries in file order.
 */
export function parseEnvFile(text: string, hostEnv: NodeJS.ProcessEnv, path: string): string[] {
  const entries: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const [position, rawLine] of lines.entries()) {
    const line = rawLine.replace(/\r$/, '').replace(leadingSpace, '');
    if (line === '' || line.startsWith('#')) {
      continue;
    }

    const lineNumber = position + 1;
    const { before: name, found } = cut(line, '=');
    if (name === '') {
      throw new InvalidFlagValue(
        `line ${lineNumber} of "${path}" has no variable name before "=".`,
        'Write NAME=value on each line.',
      );
    }
    if (/[ \t]/.test(name)) {
      throw new InvalidFlagValue(
        `the variable name on line ${lineNumber} of "${path}" contains whitespace.`,
        'Write NAME=value on each line, with no "export" and no space before "=".',
      );
    }

    if (found) {
      entries.push(line);
    } else if (hostEnv[name] !== undefined) {
      entries.push(`${name}=${hostEnv[name]}`);
    }
  }
  return entries;
}
