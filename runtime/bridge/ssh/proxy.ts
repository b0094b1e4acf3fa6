import type { Duplex } from 'node:stream';
import type { Logger } from '../../log';
import { recordValidConfig } from '../../fast/validated';
import { up } from '../../up';
import { serveProxy } from './serveProxy';
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

/**
 * Serves SSH on `socket` for a workspace's dev container until the client
 * disconnects. The container is brought up with `up` (its default options,
 * so it is the container `up` gives, reused when running) while the SSH
 * handshake goes on, without postAttachCommand. Resolves with 0 after a normal end, and 1 when the
 * container could not be brought up.
 */
export function runSshProxy(options: SshProxyOptions): Promise<number> {
  return serveProxy({ ...options, bringUp: (signal) => bringUp(options, signal) });
}

async function bringUp(options: SshProxyOptions, signal: AbortSignal): Promise<SshTarget> {
  const result = await up({
    workspaceFolder: options.workspaceFolder,
    configFile: options.configFile,
    logger: options.logger,
    signal,
    // A connection never waits for postAttachCommand: it may run for the
    // life of the container, and Remote-SSH opens several connections per
    // window, which would each start a copy. `up` and the extension's attach run it.
    skipPostAttach: true,
  });
  // Lets the next connection take the warm path (warm.ts), which skips the schema check of this configuration.
  await recordValidConfig(result.loaded);
  return {
    engine: result.engine,
    containerId: result.containerId,
    remoteUser: result.remoteUser,
    workspaceFolder: result.remoteWorkspaceFolder,
    remoteEnv: result.remoteEnv,
  };
}
