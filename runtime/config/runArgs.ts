import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { invalidValueError } from './runArgs/errors';
import { InvalidFlagValue, type ParseState } from './runArgs/flag';
import { runFlagTable } from './runArgs/flags';
import { tokenizeRunArgs } from './runArgs/tokenize';
import { emptyRunArgsOptions, type RunArgsOptions } from './runArgs/types';

/**
 * The devcontainer.json `runArgs` property: docker run flags that the
 * runtime maps onto the Engine API create request the way docker run does.
 * Each element is one argument, exactly as written: nothing is split on
 * whitespace and quotes stay part of the value.
 */

export { applyRunArgs } from './runArgs/apply';
export type { RunArgsOptions } from './runArgs/types';

export interface RunArgsContext {
  /** Path of devcontainer.json, named in errors. Relative paths in runArgs are resolved against its folder. */
  file: string;
  /** Host environment for `-e NAME` and env-file lines without a value. Defaults to process.env. */
  hostEnv?: NodeJS.ProcessEnv;
  /** Reads `--env-file` files and seccomp profiles. Defaults to reading UTF-8 from disk. */
  readFile?: (path: string) => string;
}

/**
 * Parses runArgs into container settings. Throws a ConfigurationError that
 * names the element's index and the file for an unsupported flag, a flag
 * without its value, an invalid value, or an element that is not a flag.
 */
export function parseRunArgs(args: string[], context: RunArgsContext): RunArgsOptions {
  const state: ParseState = {
    options: emptyRunArgsOptions(),
    file: context.file,
    folder: dirname(context.file),
    hostEnv: context.hostEnv ?? process.env,
    readFile: context.readFile ?? ((path) => readFileSync(path, 'utf8')),
    envFromFiles: [],
    envFromFlags: [],
  };

  for (const { spec, use } of tokenizeRunArgs(args, runFlagTable, context.file)) {
    try {
      spec.apply(use, state);
    } catch (error) {
      if (error instanceof InvalidFlagValue) {
        throw invalidValueError(use, context.file, error);
      }
      throw error;
    }
  }

  // Docker reads every --env-file before every --env, whatever their order.
  state.options.env = [...state.envFromFiles, ...state.envFromFlags];
  return state.options;
}
