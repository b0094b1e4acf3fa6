import type { Duplex } from 'node:stream';
import { messageOf } from '../../errors';
import type { Logger } from '../../log';
import { up } from '../../up';
import type { SshTarget } from './target';

export interface SshProxyOptions {
  workspaceFolder: string;
  configFile?: string;
  /** The client's byte stream. */
  socket: Duplex;
  logger: Logger;
  signal?: AbortSignal;
  /** See SshServerOptions.onAgentForwarding. */
  onAgentForwarding?: (openAgentStream: () => Promise<Duplex>) => void;
}

/** Milliseconds to wait for an interrupted `up` to clean up after the client left. */
const upCleanupMs = 10_000;

/**
 * Serves SSH on `socket` for a workspace's dev container until the client
 * disconnects. The container is brought up with `up` (its default options,
 * so it is the container `up` gives, reused when running) while the SSH
 * handshake goes on. Resolves with 0 after a normal end, and 1 when the
 * container could not be brought up.
 */
export async function runSshProxy(options: SshProxyOptions): Promise<number> {
  const logger = options.logger;
  const abort = new AbortController();
  // A signal to this process ends the connection, which ends the run.
  const onAbort = () => {
    abort.abort();
    options.socket.destroy();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const target = bringUp(options, abort.signal);
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
    // ssh2 loads after `up` has started, so its 40 ms or so of module
    // evaluation overlap `up`'s file reads and engine requests.
    const [{ loadHostKey }, { serveSsh }] = await Promise.all([import('./hostKey'), import('./server')]);
    const hostKey = await Promise.race([loadHostKey(), failure]);
    if (typeof hostKey === 'number') {
      return hostKey;
    }
    const served = serveSsh({ socket: options.socket, hostKey, target, logger, onAgentForwarding: options.onAgentForwarding });
    const exitCode = await Promise.race([served.then(() => 0), failure]);
    return exitCode;
  } finally {
    options.socket.destroy();
    // A client that leaves during a build interrupts it, and `up` removes
    // what it half made.
    abort.abort();
    await Promise.race([upFailed, new Promise((resolve) => setTimeout(resolve, upCleanupMs).unref())]);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function bringUp(options: SshProxyOptions, signal: AbortSignal): Promise<SshTarget> {
  const result = await up({
    workspaceFolder: options.workspaceFolder,
    configFile: options.configFile,
    logger: options.logger,
    signal,
  });
  return {
    engine: result.engine,
    containerId: result.containerId,
    remoteUser: result.remoteUser,
    workspaceFolder: result.remoteWorkspaceFolder,
    remoteEnv: result.remoteEnv,
  };
}
