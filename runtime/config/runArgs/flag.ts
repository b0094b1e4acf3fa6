import type { RunArgsOptions } from './types';

/** One flag as it appears in runArgs, with the value it took. */
export interface FlagUse {
  /** Canonical long name with dashes, for example `--env`. */
  flag: string;
  /** The flag as written in runArgs, for example `-e`, `--env` or `--net`. */
  spelling: string;
  /** Index of the runArgs element that contains the flag. */
  index: number;
  /** The value, or `true` for a boolean flag given without one. */
  value: string;
}

/** State that the flag handlers read and write while runArgs is parsed. */
export interface ParseState {
  options: RunArgsOptions;
  /** Absolute path of devcontainer.json. */
  file: string;
  /** Folder of devcontainer.json, against which relative host paths are resolved. */
  folder: string;
  hostEnv: NodeJS.ProcessEnv;
  readFile: (path: string) => string;
  /** Entries from `--env-file`, kept apart because docker puts them before every `--env`. */
  envFromFiles: string[];
  envFromFlags: string[];
}

/** A docker run flag the runtime maps onto the create request. */
export interface FlagSpec {
  /** Long name without dashes. */
  name: string;
  /** Other long names docker accepts for the same flag, for example `net` for `network`. */
  aliases?: string[];
  /** One-letter name, for example `e` for `env`. */
  short?: string;
  /** A boolean flag takes `true` when written without `=value`, and never takes the next element. */
  boolean?: boolean;
  apply(use: FlagUse, state: ParseState): void;
}

/**
 * Raised by a flag handler when docker would reject the value. The parser
 * adds the flag, its index and the file before the user sees it.
 */
export class InvalidFlagValue extends Error {
  constructor(
    /** Reason the value is invalid, as a full sentence. */
    readonly reason: string,
    /** Fix for the user, as a full sentence. */
    readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(reason, options);
  }
}

/** Splits at the first separator, like Go's strings.Cut. */
export function cut(text: string, separator: string): { before: string; after: string; found: boolean } {
  const at = text.indexOf(separator);
  if (at < 0) {
    return { before: text, after: '', found: false };
  }
  return { before: text.slice(0, at), after: text.slice(at + separator.length), found: true };
}

const trueWords = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const falseWords = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Parses a boolean the way Go's strconv.ParseBool does, which is what docker's boolean flags accept. */
export function parseBoolean(text: string): boolean | undefined {
  if (trueWords.has(text)) {
    return true;
  }
  if (falseWords.has(text)) {
    return false;
  }
  return undefined;
}

export function requireBoolean(use: FlagUse): boolean {
  const value = parseBoolean(use.value);
  if (value === undefined) {
    throw new InvalidFlagValue(
      `"${use.value}" is not a boolean.`,
      `Write ${use.flag} alone for true, or ${use.flag}=false.`,
    );
  }
  return value;
}

/** Returns true for an absolute path inside a Linux container. */
export function isAbsoluteContainerPath(path: string): boolean {
  return path.startsWith('/');
}
