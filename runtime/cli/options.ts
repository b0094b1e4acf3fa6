import type { Argv } from 'yargs';
import type { LogLevel } from '../log';
import { parseNameValuePairs } from '../config/nameValue';

/** Options every command shares with the reference CLI. */
export interface CommonArgs {
  'workspace-folder': string;
  config?: string;
  'log-level': LogLevel;
  'log-format': 'text' | 'json';
}

export function commonOptions<T>(argv: Argv<T>): Argv<T & CommonArgs> {
  return compatOptions(argv)
    .option('workspace-folder', {
      type: 'string',
      describe: 'Workspace folder on the host (default: the current folder)',
      default: process.cwd(),
    })
    .option('config', {
      type: 'string',
      describe: 'Path of devcontainer.json, relative to the current folder (default: found in the workspace)',
    })
    .option('log-level', {
      choices: ['trace', 'debug', 'info', 'warn', 'error'] as const,
      default: 'info' as LogLevel,
      describe: 'Lowest level of log lines written to stderr',
    })
    .option('log-format', {
      choices: ['text', 'json'] as const,
      default: 'text' as const,
      describe: 'Format of log lines on stderr',
    }) as Argv<T & CommonArgs>;
}

/**
 * Options of the reference CLI that scripts pass, accepted so those scripts
 * run unchanged. Apart from --docker-compose-path they have no effect here:
 * the engine is reached through its API, not a docker binary, and no state
 * lives in data folders.
 */
function compatOptions<T>(argv: Argv<T>): Argv<T> {
  const ignored = 'Accepted for compatibility with the reference CLI; no effect';
  return argv
    .option('docker-path', { type: 'string', describe: ignored, hidden: true })
    .option('docker-compose-path', {
      type: 'string',
      describe: 'Compose tool to run for compose configurations (default: the first found of docker compose, docker-compose, podman-compose)',
    })
    .option('user-data-folder', { type: 'string', describe: ignored, hidden: true })
    .option('container-data-folder', { type: 'string', describe: ignored, hidden: true })
    .option('container-system-data-folder', { type: 'string', describe: ignored, hidden: true })
    .option('container-session-data-folder', { type: 'string', describe: ignored, hidden: true })
    .option('terminal-columns', { type: 'number', describe: ignored, hidden: true })
    .option('terminal-rows', { type: 'number', describe: ignored, hidden: true })
    .option('oci-auth-hardening', { type: 'boolean', describe: ignored, hidden: true });
}

/** `--id-label` and `--container-id`, which name a container instead of the workspace's labels. */
export interface ContainerSelectionArgs {
  'container-id'?: string;
  'id-label'?: string[];
}

export function containerSelectionOptions<T>(argv: Argv<T>): Argv<T & ContainerSelectionArgs> {
  return argv
    .option('container-id', { type: 'string', describe: 'Id of the container to act on' })
    .option('id-label', {
      type: 'string',
      array: true,
      describe: 'Label name=value that identifies the container (repeatable); replaces the workspace labels',
    }) as Argv<T & ContainerSelectionArgs>;
}

/** Parses repeated `NAME=value` options into a map, rejecting entries without `=`. */
export function parseKeyValues(values: string[] | undefined, flag: string): Record<string, string> {
  return parseNameValuePairs(values, flag);
}
