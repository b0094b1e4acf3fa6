import type { Duplex } from 'node:stream';
import { type Relay, startRelay } from '../../attach/relay/host';
import { execCapture } from '../../engine/exec';
import { messageOf } from '../../errors';
import type { Logger } from '../../log';
import type { SshTarget } from './target';
import findNodeScript from './find-node.sh';

/** Socket name of the agent in the relay's folder in the container. */
const agentSocketName = 'ssh-agent';

/** Parent folder of the browser mode's server, which has a node binary beside it. */
const serverRoot = '/opt/devcontainer-open/server';

export interface AgentForwarding {
  /**
   * Returns the agent socket's path in the container, for SSH_AUTH_SOCK,
   * starting the relay on the first call. Returns undefined when the relay
   * cannot run, which is logged once.
   */
  socketPath(target: SshTarget): Promise<string | undefined>;
}

export interface AgentRelayOptions {
  /** Opens a channel to the client's agent for one connection. */
  openAgentStream: () => Promise<Duplex>;
  logger: Logger;
  /** Registers a cleanup that runs when the SSH connection closes. */
  track(close: () => void | Promise<void>): () => void;
}

/**
 * Forwards the client's SSH agent (`ssh -A`) into the container: the socket
 * relay listens on a unix socket there, and each connection to it opens an
 * `auth-agent@openssh.com` channel back to the client. The relay runs on
 * node, so this needs a node binary in the container.
 */
export function relayAgentForwarding(options: AgentRelayOptions): AgentForwarding {
  let started: Promise<string | undefined> | undefined;
  return {
    socketPath(target) {
      started ??= startAgentRelay(target, options);
      return started;
    },
  };
}

async function startAgentRelay(target: SshTarget, options: AgentRelayOptions): Promise<string | undefined> {
  const { logger } = options;
  const found = await execCapture(target.engine, target.containerId, {
    cmd: ['/bin/sh', '-c', findNodeScript, 'find-node', serverRoot],
    user: target.remoteUser,
    env: target.remoteEnv,
  });
  const node = found.stdout.trim().split('\n')[0] ?? '';
  if (found.exitCode !== 0 || node === '') {
    logger.warn(
      `Agent forwarding (ssh -A) is off for this connection: it needs node in container ${target.containerId.slice(0, 12)}, ` +
        'which has none on PATH. Install node in the image to use it.',
    );
    return undefined;
  }

  let relay: Relay;
  try {
    relay = await startRelay({
      engine: target.engine,
      containerId: target.containerId,
      user: target.remoteUser,
      node,
      sockets: [{ name: agentSocketName, onConnection: (stream) => connectToAgent(stream, options) }],
      logger,
    });
  } catch (error) {
    logger.warn(`Agent forwarding (ssh -A) is off for this connection: starting the socket relay failed: ${messageOf(error)}`);
    return undefined;
  }
  options.track(() => relay.close());
  logger.debug(`Forwarding the SSH agent through ${relay.socketPaths[agentSocketName]}`);
  return relay.socketPaths[agentSocketName];
}

/** Pipes one connection on the container's agent socket to a new agent channel to the client. */
function connectToAgent(stream: Duplex, options: AgentRelayOptions): void {
  options.openAgentStream().then(
    (channel) => {
      stream.pipe(channel);
      channel.pipe(stream);
      // The relay drops what it has not written yet when its channel is
      // destroyed, so the client's close only ends the stream, and the
      // container side closes it once it has read the reply.
      channel.on('close', () => {
        if (!stream.writableEnded) stream.end();
      });
      stream.on('close', () => channel.destroy());
      stream.on('error', () => channel.destroy());
    },
    (error: unknown) => {
      options.logger.debug(`Opening a channel to the client's SSH agent failed: ${messageOf(error)}`);
      stream.destroy();
    },
  );
}
