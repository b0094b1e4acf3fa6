import { closeSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { messageOf, isCancellation } from '../errors';
import type { LogLevel } from '../log';
import { type CommonArgs, commonOptions } from './options';
import { cliLogger } from './output';
import { abortOnSignals } from './signals';
import { configPath } from './up';

export interface SshProxyArgs extends CommonArgs {
  'log-file'?: string;
}

/**
 * Serves SSH on stdin and stdout for the workspace's dev container, for an
 * OpenSSH `ProxyCommand`. Logs go to stderr or `--log-file`, never to
 * stdout, which carries the SSH stream. Returns 0 when the client
 * disconnects, 1 when the container could not be brought up.
 */
export async function runSshProxyCommand(args: ArgumentsCamelCase<SshProxyArgs>): Promise<number> {
  // Claimed first, so nothing written while the modules load reaches the client.
  const { claimStdio } = await import('../bridge/ssh/stdio');
  const socket = claimStdio();

  const logFile = args['log-file'] === undefined ? undefined : openSync(path.resolve(args['log-file']), 'a');
  const write = logFile === undefined ? undefined : (line: string) => void writeSync(logFile, line);
  const logger = cliLogger(args['log-level'], args['log-format'], write);
  const abort = abortOnSignals(logger);
  // OpenSSH sends SIGHUP to its ProxyCommand when it exits.
  const hangup = new AbortController();
  const onHangup = () => hangup.abort();
  process.once('SIGHUP', onHangup);
  try {
    if (process.stdin.isTTY) {
      logger.warn('ssh-proxy speaks SSH on stdin and stdout; run it as an SSH ProxyCommand, not in a terminal.');
    }
    const { runSshProxy } = await import('../bridge/ssh/proxy');
    return await runSshProxy({
      workspaceFolder: args['workspace-folder'],
      configFile: configPath(args),
      socket,
      logger,
      signal: AbortSignal.any([abort.signal, hangup.signal]),
    });
  } catch (error) {
    if (isCancellation(error)) return 130;
    logger.error(messageOf(error));
    return 1;
  } finally {
    abort.dispose();
    process.off('SIGHUP', onHangup);
    if (logFile !== undefined) closeSync(logFile);
  }
}

export function sshProxyCommand(argv: Argv) {
  return argv.command(
    'ssh-proxy',
    'Serve SSH on stdin and stdout for the dev container, as an SSH ProxyCommand; brings the container up first',
    (y) =>
      commonOptions(y)
        // The choices come from commonOptions; repeating them would list them twice in --help.
        .option('log-level', {
          default: 'warn' as LogLevel,
          describe: 'Lowest level of log lines written to stderr or --log-file (default warn, because ssh shows the stderr of its ProxyCommand)',
        })
        .option('log-file', { type: 'string', describe: 'File to append log lines to instead of stderr' }),
    async (args) => {
      process.exitCode = await runSshProxyCommand(args);
      // Engine sockets and the stdin handle would keep the process alive
      // after the client disconnected.
      process.exit();
    },
  );
}
