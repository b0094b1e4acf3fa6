import type { Duplex } from 'node:stream';
import type { Connection } from 'ssh2';

/** Initial window and maximum packet size ssh2 gives its own channels (ssh2 1.17, lib/Channel.js). */
const channelWindow = 2 * 1024 * 1024;
const channelPacketSize = 32 * 1024;

/** The parts of ssh2's server-side connection that opening a channel uses. */
interface ConnectionInternals {
  _chanMgr: { add(callback: unknown): number };
  _protocol: { openssh_authAgent(channel: number, window: number, packetSize: number): void };
}

/**
 * Opens an `auth-agent@openssh.com` channel to the client, which carries one
 * connection to the client's SSH agent.
 *
 * NOTE: ssh2 1.17's server connection has no public call for this channel
 * type (its client has `openssh_authAgent`), so this registers the channel
 * with ssh2's channel manager and sends the open request through its
 * protocol object, as its own `forwardOut` does. The confirmation handler
 * then builds the channel from the callback's `type`.
 */
export function openAgentChannel(connection: Connection): Promise<Duplex> {
  const internals = connection as unknown as ConnectionInternals;
  return new Promise((resolve, reject) => {
    const callback = Object.assign(
      (error: Error | undefined, channel: Duplex) => (error ? reject(error) : resolve(channel)),
      { type: 'auth-agent@openssh.com' },
    );
    const localChannel = internals._chanMgr.add(callback);
    if (localChannel === -1) {
      reject(new Error('Opening a channel to the SSH agent failed: no free channels on this connection.'));
      return;
    }
    internals._protocol.openssh_authAgent(localChannel, channelWindow, channelPacketSize);
  });
}
