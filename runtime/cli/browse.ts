import type { ArgumentsCamelCase } from 'yargs';
import type { BrowserSession } from '../server/session';
import type { Argv } from 'yargs';
import { type CommonArgs, commonOptions } from './options';
import { configPath } from './up';
import { cliLogger, errorResult } from './output';
import { abortOnSignals } from './signals';
import { writeJson } from './output';

export interface BrowseArgs extends CommonArgs {
  port: number;
  'remove-existing-container': boolean;
}

/**
 * Starts a browser session, prints its URL as one JSON line on stdout, and
 * keeps forwarding until SIGINT or SIGTERM. Returns 0 after a signal ends
 * a running session, 130 when one arrives during startup, and 1 on failure.
 */
export async function runBrowse(args: ArgumentsCamelCase<BrowseArgs>): Promise<number> {
  const logger = cliLogger(args['log-level'], args['log-format']);
  const abort = abortOnSignals(logger);
  let session: BrowserSession | undefined;
  try {
    const { startBrowserSession } = await import('../server/session');
    session = await startBrowserSession({
      workspaceFolder: args['workspace-folder'],
      configFile: configPath(args),
      port: args.port,
      removeExistingContainer: args['remove-existing-container'],
      logger,
      signal: abort.signal,
    });
    writeJson({ outcome: 'success', url: session.url, containerId: session.containerId });

    await untilAborted(abort.signal);
    logger.info('Stopping on signal');
    return 0;
  } catch (error) {
    const { json, exitCode } = errorResult(error);
    logger.error(String(json.message));
    writeJson(json);
    return exitCode;
  } finally {
    await session?.close();
    abort.dispose();
  }
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
        .option('remove-existing-container', { type: 'boolean', default: false, describe: 'Remove the existing container first' }),
    async (args) => {
      process.exitCode = await runBrowse(args);
    },
  );
}
