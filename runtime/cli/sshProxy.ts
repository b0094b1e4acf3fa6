import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { LogLevel } from '../log';
import { type CommonArgs, commonOptions } from './options';
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
  const { runProxyProcess } = await import('../bridge/ssh/proxyProcess');
  return runProxyProcess({
    logLevel: args['log-level'],
    logFormat: args['log-format'],
    logFile: args['log-file'],
    serve: async (socket, logger, signal) => {
      const { runSshProxy } = await import('../bridge/ssh/proxy');
      return runSshProxy({ workspaceFolder: args['workspace-folder'], configFile: configPath(args), socket, logger, signal });
    },
  });
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
