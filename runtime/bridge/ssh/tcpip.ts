import type { AcceptConnection, RejectConnection, ServerChannel, TcpipRequestInfo } from 'ssh2';
import { messageOf } from '../../errors';
import type { Logger } from '../../log';
import { type ContainerPortStream, openContainerPortStream } from '../stream';
import { ensureHelperBinary } from './helperBinary';
import type { SshTarget } from './target';

/**
 * Debian's statically linked busybox (package busybox-static), whose `nc`
 * relays a connection in any container, with or without node or a C library.
 */
const hostBusybox = '/bin/busybox';

export interface DirectTcpipOptions {
  target: SshTarget;
  accept: AcceptConnection<ServerChannel>;
  reject: RejectConnection;
  info: TcpipRequestInfo;
  logger: Logger;
  /** Registers a cleanup that runs when the SSH connection closes. */
  track(close: () => void | Promise<void>): () => void;
}

/**
 * Serves a `direct-tcpip` channel (`ssh -L`, and how Remote-SSH reaches the
 * editor server) with a busybox `nc` exec that connects to the destination
 * host and port, resolved inside the container. The channel is confirmed once the
 * exec runs, before the relay connects, so a refused connection shows up as a
 * channel that closes at once.
 */
export async function serveDirectTcpip(options: DirectTcpipOptions): Promise<void> {
  const { target, info, logger } = options;
  const destination = `${info.destIP}:${info.destPort}`;

  let remote: ContainerPortStream;
  try {
    const busybox = await ensureHelperBinary(target, {
      name: 'busybox',
      source: hostBusybox,
      purpose: `Forwarding to ${destination} needs busybox's nc in the container`,
      hostPackage: 'busybox-static',
      imageAlternative: 'busybox',
    });
    remote = await openContainerPortStream({
      engine: target.engine,
      containerId: target.containerId,
      user: target.remoteUser,
      netcat: [busybox, 'nc'],
      host: info.destIP,
      port: info.destPort,
    });
  } catch (error) {
    logger.warn(`Forwarding to ${destination} failed: ${messageOf(error)}`);
    options.reject();
    return;
  }

  const channel = options.accept();
  const untrack = options.track(() => remote.destroy());
  logger.debug(`Forwarding to ${destination}`);

  // Client to container: the client's EOF half-closes the connection.
  channel.pipe(remote.input);
  // Container to client: the relay's exit ends the channel.
  remote.output.pipe(channel);
  remote.output.on('end', () => {
    const stderr = remote.stderrTail();
    if (stderr !== '') {
      logger.debug(`Forwarding to ${destination}: ${stderr}`);
    }
  });
  remote.output.on('error', (error) => {
    logger.debug(`Forwarding to ${destination} failed: ${error.message}`);
    channel.destroy();
  });
  channel.on('close', () => {
    untrack();
    remote.destroy();
  });
}
