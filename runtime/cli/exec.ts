import yargs from 'yargs';
import { execInDevContainer } from '../exec';
import { messageOf, isCancellation } from '../errors';
import { commonOptions } from './main';
import { cliLogger } from './output';
import { abortOnSignals } from './signals';

/** Options of `exec` that take a value; everything after them is the command. */
const valueOptions = new Set([
  '--workspace-folder',
  '--config',
  '--log-level',
  '--log-format',
  '--docker-path',
  '--remote-env',
  '--container-id',
  '--id-label',
  '--override-config',
  '--user-data-folder',
  '--terminal-columns',
  '--terminal-rows',
  '--default-user-env-probe',
]);

/**
 * Splits `exec` arguments into our options and the command, which starts at
 * the first word that is not an option, so the command's own flags (such as
 * `sh -c`) are passed through untouched.
 */
export function splitExecArguments(argv: string[]): { options: string[]; command: string[] } {
  let index = 0;
  while (index < argv.length) {
    const word = argv[index];
    if (word === '--') {
      return { options: argv.slice(0, index), command: argv.slice(index + 1) };
    }
    if (!word.startsWith('-')) {
      break;
    }
    index += valueOptions.has(word) ? 2 : 1;
  }
  return { options: argv.slice(0, index), command: argv.slice(index) };
}

/** Runs `exec` and returns the exit code of the command in the container. */
export async function runExecCommand(argv: string[]): Promise<number> {
  const { options, command } = splitExecArguments(argv);
  const args = await commonOptions(yargs(options))
    .option('remote-env', { type: 'string', array: true, default: [] as string[], describe: 'NAME=value to set for the command' })
    .usage('$0 exec [options] <command> [args...]')
    .help()
    .parseAsync();

  const logger = cliLogger(args['log-level'], args['log-format']);
  if (command.length === 0) {
    process.stderr.write('No command given. Usage: exec [options] <command> [args...]\n');
    return 2;
  }

  const env: Record<string, string> = {};
  for (const pair of args['remote-env']) {
    const equals = pair.indexOf('=');
    if (equals > 0) env[pair.slice(0, equals)] = pair.slice(equals + 1);
  }

  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const abort = abortOnSignals();
  try {
    if (tty) process.stdin.setRawMode(true);
    return await execInDevContainer({
      workspaceFolder: args['workspace-folder'],
      configFile: args.config,
      command,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      tty,
      env,
      logger,
      signal: abort.signal,
    });
  } catch (error) {
    if (isCancellation(error)) return 130;
    logger.error(messageOf(error));
    return 1;
  } finally {
    if (tty) process.stdin.setRawMode(false);
    // The piped stdin would keep the process alive after the command ended.
    process.stdin.destroy();
    abort.dispose();
  }
}
