import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log';
import type { RelaySocket } from './relay/host';

/** Name of the relay socket that forwards to the host's SSH agent. */
export const sshAgentSocketName = 'ssh-agent';

/**
 * Connects each connection on the container's agent socket to the host's SSH
 * agent at `hostSocket` (the host's `SSH_AUTH_SOCK`), so keys stay on the host.
 */
export function sshAgentSocket(hostSocket: string, logger: Logger): RelaySocket {
  return {
    name: sshAgentSocketName,
    onConnection(stream: Duplex) {
      const agent = net.connect(hostSocket);
      agent.on('error', (error) => {
        logger.warn(`Connecting to the host's SSH agent at ${hostSocket} failed: ${error.message}. Check SSH_AUTH_SOCK on the host.`);
        stream.destroy();
      });
      stream.on('error', () => agent.destroy());
      stream.on('close', () => agent.destroy());
      agent.on('close', () => stream.destroy());
      stream.pipe(agent);
      agent.pipe(stream);
    },
  };
}
