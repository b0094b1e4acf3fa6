import type { ArgumentsCamelCase } from 'yargs';
import type { BrowserSession } from '../server/session';
import type { Argv } from 'yargs';
import { type CommonArgs, commonOptions } from './options';
import { configPath } from './up';
import { runCommand, writeJson } from './output';

export interface BrowseArgs extends CommonArgs {
  port: number;
  'remove-existing-container': boolean;
}

/**
 * Starts a browser session, prints its URL as one JSON line on stdout, and
 * keeps forwarding until SIGINT or SIGTERM. Returns 0 after a signal ends
 * a running session, 130 when one arrives during startup, and 1 on failure.
 */
export function runBrowse(args: ArgumentsCamelCase<BrowseArgs>): Promise<number> {
  return runCommand(args, async ({ logger, signal }) => {
    let session: BrowserSession | undefined;
    try {
      const { startBrowserSession } = await import('../server/session');
      session = await startBrowserSession({
        workspaceFolder: args['workspace-folder'],
        configFile: configPath(args),
        port: args.port,
        removeExistingContainer: args['remove-existing-container'],
        logger,
        signal,
      });
      writeJson({ outcome: 'success', url: session.url, containerId: session.containerId });

      await untilAborted(signal);
      logger.info('Stopping on signal');
      return 0;
    } finally {
      await session?.close();
    }
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    return Promise.resolve();
  }
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export function browseCommand(argv: Argv) {
  return argv.command(
    'browse',
    'Bring the dev container up and serve the editor in it on a local port for a browser',
    (y) =>
      commonOptions(y)
        .option('port', { type: 'number', default: 0, describe: 'Local port on 127.0.0.1 for the browser (default: a free port)' })
        .option('remove-existing-container', { type: 'boolean', default: false, describe: 'Replace the existing container, removing it once the new image is built' }),
    async (args) => {
      process.exitCode = await runBrowse(args);
    },
  );
}
