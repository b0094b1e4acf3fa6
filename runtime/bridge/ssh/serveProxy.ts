import type { Duplex } from 'node:stream';
import { messageOf } from '../../errors';
import type { Logger } from '../../log';
import type { SpareShell } from './spareShell';
import type { SshTarget } from './target';

export interface ServeProxyOptions {
  workspaceFolder: string;
  /** The client's byte stream. */
  socket: Duplex;
  logger: Logger;
  signal?: AbortSignal;
  /** See SshServerOptions.onAgentForwarding. */
  onAgentForwarding?: (openAgentStream: () => Promise<Duplex>) => void;
  /**
   * Brings the container up, or returns the one already found. The signal
   * aborts when the client leaves, and the promise should then settle once
   * what it half made is removed.
   */
  bringUp: (signal: AbortSignal) => Promise<SshTarget>;
  /** See SshServerOptions.spareShell. */
  spareShell?: Promise<SpareShell | undefined>;
}

/** Milliseconds `bringUp` may take before a progress line is written to stderr. */
const progressDelayMs = 2_000;

/** Milliseconds to wait for an interrupted `up` to clean up after the client left. */
const upCleanupMs = 10_000;

/**
 * Serves SSH on `socket` for the container that `bringUp` gives until the
 * client disconnects, with the handshake going on while `bringUp` runs.
 * Resolves with 0 after a normal end, and 1 when `bringUp` failed.
 */
export async function serveProxy(options: ServeProxyOptions): Promise<number> {
  const logger = options.logger;
  const abort = new AbortController();
  // A signal to this process ends the connection, which ends the run.
  const onAbort = () => {
    abort.abort();
    options.socket.destroy();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const target = options.bringUp(abort.signal);
  // ssh shows the proxy's stderr, and without this line a first build at
  // the default warn level would leave the terminal blank for minutes.
  const progress = setTimeout(() => {
    logger.warn(`Bringing up the dev container for ${options.workspaceFolder}; building or starting it can take a while (--log-level info shows the steps).`);
  }, progressDelayMs);
  void target.finally(() => clearTimeout(progress)).catch(() => undefined);
  const upFailed = target.then(
    () => false,
    (error: unknown) => {
      if (!abort.signal.aborted) {
        logger.error(`Bringing the dev container up for ${options.workspaceFolder} failed: ${messageOf(error)}`);
      }
      return true;
    },
  );
  const failure = upFailed.then((failed) => (failed ? 1 : new Promise<never>(() => undefined)));

  try {
    // ssh2 loads after `bringUp` has started, so its 40 ms or so of module
    // evaluation overlap `up`'s file reads and engine requests.
    const [{ loadHostKey }, { serveSsh }] = await Promise.all([import('./hostKey'), import('./server')]);
    const hostKey = await Promise.race([loadHostKey(), failure]);
    if (typeof hostKey === 'number') {
      return hostKey;
    }
    const served = serveSsh({
      socket: options.socket,
      hostKey,
      target,
      logger,
      onAgentForwarding: options.onAgentForwarding,
      spareShell: options.spareShell,
    });
    const exitCode = await Promise.race([served.then(() => 0), failure]);
    return exitCode;
  } finally {
    clearTimeout(progress);
    options.socket.destroy();
    // A client that leaves during a build interrupts it, and `up` removes
    // what it half made.
    abort.abort();
    await Promise.race([upFailed, new Promise((resolve) => setTimeout(resolve, upCleanupMs).unref())]);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
