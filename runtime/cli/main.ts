import yargs from 'yargs';
import type { Argv } from 'yargs';
import { parseLogLevel, type LogLevel } from '../log';
import { runUp } from './up';
import { runExecCommand } from './exec';
import { runReadConfiguration } from './readConfiguration';
import { runBrowse } from './browse';

/** Options every command shares with the reference CLI. */
export interface CommonArgs {
  'workspace-folder': string;
  config?: string;
  'log-level': LogLevel;
  'log-format': 'text' | 'json';
}

export function commonOptions<T>(argv: Argv<T>): Argv<T & CommonArgs> {
  return argv
    .option('workspace-folder', {
      type: 'string',
      describe: 'Workspace folder on the host (default: the current folder)',
      default: process.cwd(),
    })
    .option('config', { type: 'string', describe: 'Path of devcontainer.json (default: found in the workspace)' })
    .option('log-level', {
      choices: ['trace', 'debug', 'info', 'warn', 'error'] as const,
      default: 'info' as LogLevel,
      describe: 'Lowest level written to stderr',
      coerce: (value: string) => parseLogLevel(value) ?? 'info',
    })
    .option('log-format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Format of log lines on stderr' })
    .option('docker-path', { type: 'string', describe: 'Accepted for compatibility; the engine is reached through its API' }) as Argv<T & CommonArgs>;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'exec') {
    process.exitCode = await runExecCommand(argv.slice(1));
    return;
  }

  await yargs(argv)
    .scriptName('devcontainer-open')
    .command(
      'up',
      'Create and start the dev container of a workspace, building its image when needed',
      (y) =>
        commonOptions(y)
          .option('remove-existing-container', { type: 'boolean', default: false, describe: 'Remove the existing container first' })
          .option('build-no-cache', { type: 'boolean', default: false, describe: 'Build the image without the build cache' })
          .option('skip-post-attach', { type: 'boolean', default: false, describe: 'Do not run postAttachCommand' }),
      async (args) => {
        process.exitCode = await runUp(args);
      },
    )
    .command(
      'read-configuration',
      'Print the configuration of a workspace as JSON',
      (y) => commonOptions(y),
      async (args) => {
        process.exitCode = await runReadConfiguration(args);
      },
    )
    .command(
      'browse',
      'Bring the dev container up and serve the editor in it on a local port for a browser',
      (y) =>
        commonOptions(y)
          .option('port', { type: 'number', default: 0, describe: 'Local port for the browser (default: a free port)' })
          .option('remove-existing-container', { type: 'boolean', default: false, describe: 'Remove the existing container first' }),
      async (args) => {
        process.exitCode = await runBrowse(args);
      },
    )
    .command('exec', 'Run a command in the running dev container: exec [options] <command> [args...]')
    .demandCommand(1, 'Name a command: up, exec, read-configuration or browse.')
    .strictCommands()
    .help()
    .version('0.1.0')
    .parseAsync();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
