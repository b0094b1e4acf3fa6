import type { Duplex } from 'node:stream';
import { type Connection, Server } from 'ssh2';
import { messageOf } from '../../errors';
import type { Logger } from '../../log';
import { openAgentChannel } from './agent';
import { emitEndOfWrite } from './endOfWrite';
import { relayAgentForwarding } from './agentRelay';
import { startSpareShell } from './process';
import { serveSession } from './session';
import type { SpareShell } from './spareShell';
import type { SshTarget } from './target';
import { serveDirectTcpip } from './tcpip';

/** Milliseconds to wait for sessions to hang up and relays to stop after the client left. */
const cleanupTimeoutMs = 5_000;

/**
 * The software version in the server's SSH banner. OpenSSH's client sends
 * `eow@openssh.com` (see endOfWrite.ts) only to servers whose version
 * starts with "OpenSSH" (compat.c, SSH_NEW_OPENSSH), and the comment after
 * the space names this server.
 */
const serverIdent = 'OpenSSH_9.2 devcontainer-ssh-proxy';

export interface SshServerOptions {
  /** The client's byte stream, such as a duplex over stdin and stdout. */
  socket: Duplex;
  /** Host private key in OpenSSH or PEM format. */
  hostKey: string | Buffer;
  /**
   * The container requests run in. The handshake and authentication go on
   * while it is brought up; requests wait for it.
   */
  target: Promise<SshTarget>;
  logger: Logger;
  /**
   * Called when the client asks for agent forwarding (`ssh -A`) with a
   * function that opens a stream to the client's agent. Without it, the
   * socket relay forwards the agent and sets SSH_AUTH_SOCK (see agentRelay.ts).
   */
  onAgentForwarding?: (openAgentStream: () => Promise<Duplex>) => void;
  /**
   * A spare shell the caller started. Without it, one starts through the
   * engine client once `target` resolves.
   */
  spareShell?: Promise<SpareShell | undefined>;
}

/**
 * Serves one SSH connection over `socket` and resolves when it closes.
 * Every authentication method is accepted, `none` included, because the
 * stream comes from the user's own process (a ProxyCommand), not a network.
 * Processes and relays still running when the connection closes are ended.
 */
export function serveSsh(options: SshServerOptions): Promise<void> {
  const logger = options.logger.child('ssh');
  const cleanups = new Set<() => void | Promise<void>>();
  const track = (close: () => void | Promise<void>) => {
    cleanups.add(close);
    return () => cleanups.delete(close);
  };

  return new Promise((resolve) => {
    const server = new Server({ hostKeys: [options.hostKey], ident: serverIdent }, (connection: Connection) => {
      if (!emitEndOfWrite(connection)) {
        logger.debug('eow@openssh.com requests stay ignored: ssh2 internals differ from version 1.17');
      }
      const openAgentStream = () => openAgentChannel(connection);
      const agent = options.onAgentForwarding ? undefined : relayAgentForwarding({ openAgentStream, logger, track });

      // The spare shell starts while the handshake goes on, for the first
      // session request that it can run.
      let spare: Promise<SpareShell | undefined> | undefined = (options.spareShell ?? options.target.then(startSpareShell)).catch((error: unknown) => {
        logger.debug(`Starting a spare shell failed: ${messageOf(error)}`);
        return undefined;
      });
      track(() => void spare?.then((shell) => shell?.stream.destroy()));
      const takeSpareShell = () => {
        const taken = spare ?? Promise.resolve(undefined);
        spare = undefined;
        return taken;
      };

      connection.on('authentication', (context) => {
        logger.debug(`Accepting ${context.method} authentication for ${context.username}`);
        context.accept();
      });
      connection.on('ready', () => logger.debug('Client authenticated'));

      connection.on('session', (accept) => {
        serveSession(accept(), {
          target: options.target,
          logger,
          onAgentForwarding: options.onAgentForwarding,
          openAgentStream,
          agent,
          track,
          takeSpareShell,
        });
      });

      connection.on('tcpip', (accept, reject, info) => {
        options.target.then(
          (target) => serveDirectTcpip({ target, accept, reject, info, logger, track }),
          () => reject(),
        );
      });

      connection.on('request', (_accept, reject, name) => {
        logger.debug(`Rejecting global request ${name}`);
        reject?.();
      });

      connection.on('error', (error) => logger.debug(`Connection error: ${error.message}`));
      // The client's end of the stream (stdin closing) ends the connection
      // as a close does, because nothing more can arrive.
      let closed = false;
      const onClosed = (event: string) => {
        if (closed) return;
        closed = true;
        logger.debug(`Connection ${event}; ending ${cleanups.size} processes, forwards and relays`);
        const closing = [...cleanups].map((close) => close());
        cleanups.clear();
        const timeout = new Promise((done) => setTimeout(done, cleanupTimeoutMs).unref());
        void Promise.race([Promise.allSettled(closing), timeout]).then(() => resolve());
      };
      connection.on('end', () => onClosed('ended'));
      connection.on('close', () => onClosed('closed'));
    });
    // Input that is no SSH banner (a line typed into a terminal) ends the
    // stream before ssh2 makes a connection, and then no close event above
    // can resolve.
    let connected = false;
    server.on('connection', () => (connected = true));
    options.socket.once('close', () => {
      if (!connected) resolve();
    });
    server.on('error', (error: Error) => logger.debug(`SSH server error: ${error.message}`));
    server.injectSocket(options.socket as unknown as import('node:net').Socket);
  });
}
