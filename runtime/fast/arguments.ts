import type { LogLevel } from '../log';
import type { LogFormat } from '../cli/output';
import { splitExecArguments } from '../cli/execArguments';

/** The options of `up` and `exec` that the warm path accepts. Anything else goes to the full CLI. */
export interface WarmOptions {
  workspaceFolder: string;
  config?: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export interface WarmUpOptions extends WarmOptions {
  skipPostAttach: boolean;
  skipPostCreate: boolean;
}

export interface WarmExecOptions extends WarmOptions {
  remoteEnv: string[];
  command: string[];
}

/**
 * Options that take a value and have no effect on a warm run: the reference
 * CLI's data folders and terminal size, and the Docker and compose paths
 * (the warm path never runs either tool).
 */
const ignoredValueOptions = new Set([
  '--docker-path',
  '--docker-compose-path',
  '--user-data-folder',
  '--container-data-folder',
  '--container-system-data-folder',
  '--container-session-data-folder',
  '--terminal-columns',
  '--terminal-rows',
]);

/**
 * Log levels the warm path serves. At debug and trace the full runtime logs
 * each engine request, which the warm path does not reproduce.
 */
const warmLogLevels = new Set(['info', 'warn', 'error']);

/** Collects option values in the plain `--name value` form the warm path accepts. */
class OptionReader {
  readonly values = new Map<string, string[]>();
  readonly flags = new Set<string>();

  /**
   * Reads `words` and returns false when one of them is outside the given
   * sets. It also returns false for forms the full parser may read
   * differently: `--name=value`, a value that starts with `-`, an empty
   * value, a repeated option, and a boolean followed by a value.
   */
  read(words: string[], valueOptions: Set<string>, flagOptions: Set<string>, repeatable: Set<string> = new Set()): boolean {
    for (let index = 0; index < words.length; index++) {
      const word = words[index];
      if (valueOptions.has(word)) {
        const value = words[index + 1];
        if (value === undefined || value === '' || value.startsWith('-')) return false;
        const previous = this.values.get(word);
        if (previous && !repeatable.has(word)) return false;
        this.values.set(word, [...(previous ?? []), value]);
        index++;
      } else if (flagOptions.has(word)) {
        const next = words[index + 1];
        if (this.flags.has(word) || (next !== undefined && !next.startsWith('--'))) return false;
        this.flags.add(word);
      } else {
        return false;
      }
    }
    return true;
  }

  value(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }
}

const commonValueOptions = ['--workspace-folder', '--config', '--log-level', '--log-format', ...ignoredValueOptions];

/** Reads the shared options, or returns undefined for a value the warm path does not serve. */
function commonOptionsOf(reader: OptionReader): WarmOptions | undefined {
  const logLevel = reader.value('--log-level') ?? 'info';
  const logFormat = reader.value('--log-format') ?? 'text';
  if (!warmLogLevels.has(logLevel) || (logFormat !== 'text' && logFormat !== 'json')) {
    return undefined;
  }
  return {
    workspaceFolder: reader.value('--workspace-folder') ?? process.cwd(),
    config: reader.value('--config'),
    logLevel: logLevel as LogLevel,
    logFormat,
  };
}

/** Parses `up` arguments (after the command name) for the warm path. Undefined sends them to the full CLI. */
export function parseWarmUp(argv: string[]): WarmUpOptions | undefined {
  const reader = new OptionReader();
  const flags = new Set(['--skip-post-attach', '--skip-post-create', '--expect-existing-container', '--oci-auth-hardening']);
  if (!reader.read(argv, new Set(commonValueOptions), flags)) {
    return undefined;
  }
  const common = commonOptionsOf(reader);
  return common && {
    ...common,
    skipPostAttach: reader.flags.has('--skip-post-attach'),
    skipPostCreate: reader.flags.has('--skip-post-create'),
  };
}

/**
 * Parses `exec` arguments (after the command name) for the warm path.
 * Undefined sends them to the full CLI. The command starts where the full
 * CLI's own split puts it.
 */
export function parseWarmExec(argv: string[]): WarmExecOptions | undefined {
  const { options, command } = splitExecArguments(argv);
  if (command.length === 0) {
    return undefined;
  }
  const reader = new OptionReader();
  const valueOptions = new Set([...commonValueOptions, '--remote-env']);
  if (!reader.read(options, valueOptions, new Set(['--oci-auth-hardening']), new Set(['--remote-env']))) {
    return undefined;
  }
  const common = commonOptionsOf(reader);
  return common && { ...common, remoteEnv: reader.values.get('--remote-env') ?? [], command };
}
