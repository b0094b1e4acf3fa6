import yargs from 'yargs';
import type { UserEnvProbe } from '../config/metadata';
import { messageOf, isCancellation } from '../errors';
import { commonOptions, containerSelectionOptions, parseKeyValues } from './options';
import { cliLogger } from './output';
import { abortOnSignals } from './signals';
import { configPath } from './up';
import { splitExecArguments } from './execArguments';

export { splitExecArguments } from './execArguments';

function execParser(options: string[]) {
  return containerSelectionOptions(commonOptions(yargs(options)))
    .option('remote-env', { type: 'string', array: true, describe: 'NAME=value to set for the command (repeatable)' })
    .option('mount-workspace-git-root', {
      type: 'boolean',
      default: true,
      describe: 'Whether `up` mounted the Git repository root that contains the workspace folder; sets the folder the command runs in',
    })
    .option('default-user-env-probe', {
      choices: ['none', 'loginShell', 'interactiveShell', 'loginInteractiveShell'] as const,
      describe: 'userEnvProbe to use when devcontainer.json and the image set none',
    })
    .usage('$0 exec [options] <command> [args...]\n\nRun a command in the running dev container as the remote user, in the workspace folder.')
    .strict()
    .wrap(Math.min(110, yargs().terminalWidth()))
    .help();
}

/** Runs `exec` and returns the exit code of the command in the container. */
export async function runExecCommand(argv: string[]): Promise<number> {
  const { options, command } = splitExecArguments(argv);
  const args = await execParser(options).parseAsync();

  const logger = cliLogger(args['log-level'], args['log-format']);
  if (command.length === 0) {
    process.stderr.write('No command given. Usage: exec [options] <command> [args...]\n');
    return 2;
  }

  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const abort = abortOnSignals(logger);
  try {
    if (tty) process.stdin.setRawMode(true);
    const selectsContainer = args['container-id'] !== undefined || (args['id-label']?.length ?? 0) > 0;
    const workspaceGiven = options.includes('--workspace-folder') || options.some((word) => word.startsWith('--workspace-folder='));
    const { execInDevContainer } = await import('../exec');
    return await execInDevContainer({
      workspaceFolder: selectsContainer && !workspaceGiven ? undefined : args['workspace-folder'],
      configFile: configPath(args),
      mountGitRoot: args['mount-workspace-git-root'],
      containerId: args['container-id'],
      idLabels: args['id-label'],
      command,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      tty,
      terminal: tty ? process.stdout : undefined,
      env: parseKeyValues(args['remote-env'], '--remote-env'),
      defaultUserEnvProbe: args['default-user-env-probe'] as UserEnvProbe | undefined,
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
