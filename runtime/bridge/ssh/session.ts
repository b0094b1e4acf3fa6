import type { Duplex } from 'node:stream';
import type { ServerChannel, Session } from 'ssh2';
import { execCapture } from '../../engine/exec';
import { CancelledError, EnvironmentError, messageOf } from '../../errors';
import type { Logger } from '../../log';
import type { AgentForwarding } from './agentRelay';
import { endOfWriteEvent } from './endOfWrite';
import { acceptsEnvName } from './environment';
import { type PtyRequest, type SessionProcess, startSessionProcess } from './process';
import type { SpareShell } from './spareShell';
import { sftpServerPath } from './sftp';
import type { SshTarget } from './target';

export interface SessionContext {
  target: Promise<SshTarget>;
  logger: Logger;
  /** A caller's own handling of agent forwarding, which replaces `agent`. */
  onAgentForwarding?: (openAgentStream: () => Promise<Duplex>) => void;
  openAgentStream: () => Promise<Duplex>;
  /** The connection's agent relay, which gives processes an SSH_AUTH_SOCK. */
  agent?: AgentForwarding;
  /** Registers a cleanup that runs when the SSH connection closes, and returns its removal. */
  track(close: () => void | Promise<void>): () => void;
  /** Takes the connection's spare shell (see SpareShell); undefined once taken or when it failed to start. */
  takeSpareShell?(): Promise<SpareShell | undefined>;
}

/** Starts the sftp-server given as $0 in $HOME, or in / when the home folder is missing. */
const sftpInHomeScript = 'cd "$HOME" 2>/dev/null || cd /; exec "$0"';

/** Exit status sent when the proxy itself fails to run a request, as sshd's 255. */
const proxyFailureStatus = 255;

/**
 * Serves one session channel: collects `env` and `pty-req`, then runs the
 * `exec`, `shell` or `subsystem` request in the container, and passes
 * `window-change` on to the running process.
 */
export function serveSession(session: Session, context: SessionContext): void {
  const { logger } = context;
  const env: Record<string, string> = {};
  let pty: PtyRequest | undefined;
  let running: SessionProcess | undefined;
  let pendingSize: { columns: number; rows: number } | undefined;
  let agentRequested = false;

  session.on('env', (accept, reject, info) => {
    if (acceptsEnvName(info.key)) {
      env[info.key] = info.val;
      accept?.();
    } else {
      logger.debug(`Ignoring env request for ${info.key}, a name the session sets itself`);
      reject?.();
    }
  });

  session.on('pty', (accept, _reject, info) => {
    pty = { term: info.term, columns: info.cols, rows: info.rows };
    accept?.();
  });

  session.on('window-change', (accept, _reject, info) => {
    accept?.();
    if (running) {
      running.resize(info.cols, info.rows);
    } else {
      pendingSize = { columns: info.cols, rows: info.rows };
    }
  });

  session.on('auth-agent', (accept, reject) => {
    if (context.onAgentForwarding) {
      accept?.();
      context.onAgentForwarding(context.openAgentStream);
    } else if (context.agent) {
      agentRequested = true;
      accept?.();
    } else {
      logger.debug('Rejecting agent forwarding: nothing relays agent connections');
      reject?.();
    }
  });

  session.on('signal', (accept, _reject, info) => {
    accept?.();
    const name = info.name.replace(/^SIG/, '');
    if (!running) {
      logger.debug(`Ignoring signal request ${name}: no process runs yet`);
      return;
    }
    logger.debug(`Sending SIG${name} to the session's process`);
    running.signal(name).catch((error: unknown) => logger.debug(`Sending SIG${name} failed: ${messageOf(error)}`));
  });

  // The client can no longer write the output, so the process is hung up,
  // as sshd ends it through SIGPIPE on its closed output.
  let endOfWrite = false;
  let targetReady = false;
  context.target.then(
    () => (targetReady = true),
    () => (targetReady = true),
  );
  session.on(endOfWriteEvent as 'close', () => {
    logger.debug(`Client sent eow@openssh.com; hanging up the session's process`);
    endOfWrite = true;
    void running?.hangUp();
  });

  const run = async (channel: ServerChannel, request: RunRequest) => {
    try {
      const target = pty === undefined || targetReady ? await context.target : await waitForTargetOrInterrupt(channel, context.target);
      if (agentRequested && context.agent) {
        const agentSocket = await context.agent.socketPath(target);
        if (agentSocket !== undefined) env.SSH_AUTH_SOCK = agentSocket;
      }
      const spare = request.kind === 'sftp' ? undefined : await context.takeSpareShell?.();
      running = await startRequest(channel, target, { ...request, env, pty, spare }, logger);
      if (pendingSize) running.resize(pendingSize.columns, pendingSize.rows);
      if (endOfWrite) void running.hangUp();
      const untrack = context.track(running.hangUp);
      try {
        await running.finished;
      } finally {
        untrack();
      }
    } catch (error) {
      const message = `${request.description} failed: ${messageOf(error)}`;
      // The client shows the channel's stderr, so the log repeats the message
      // at warn level only when the channel can no longer carry it.
      if (failChannel(channel, message)) {
        logger.info(message);
      } else {
        logger.warn(message);
      }
    }
  };

  session.on('exec', (accept, _reject, info) => {
    logger.debug(`exec request${pty ? ' with a pty' : ''}`);
    void run(accept(), { kind: 'exec', command: info.command, description: 'Running the exec request' });
  });

  session.on('shell', (accept) => {
    logger.debug(`shell request${pty ? ' with a pty' : ''}`);
    void run(accept(), { kind: 'shell', description: 'Starting the shell' });
  });

  session.on('subsystem', (accept, reject, info) => {
    if (info.name !== 'sftp') {
      logger.debug(`Rejecting subsystem ${info.name}: only sftp is served`);
      reject?.();
      return;
    }
    void run(accept(), { kind: 'sftp', description: 'Starting the SFTP server' });
  });
}

/** Ctrl-C as a terminal in raw mode sends it. */
const interruptByte = 0x03;

/**
 * Waits for the container of a pty session. ssh has put the terminal in raw
 * mode by then, so Ctrl-C arrives as a byte on the channel instead of a
 * SIGINT to the proxy. That byte rejects with a CancelledError, which ends
 * the session, and the client then disconnects, which stops the bring-up.
 * Other input typed while waiting is kept for the process.
 */
async function waitForTargetOrInterrupt(channel: ServerChannel, target: Promise<SshTarget>): Promise<SshTarget> {
  const typed: Buffer[] = [];
  let onData: (chunk: Buffer) => void = () => undefined;
  const interrupted = new Promise<never>((_resolve, reject) => {
    onData = (chunk: Buffer) => {
      if (chunk.includes(interruptByte)) {
        reject(new CancelledError('Interrupted (Ctrl-C) while the dev container was being brought up'));
      } else {
        typed.push(chunk);
      }
    };
  });
  channel.on('data', onData);
  try {
    return await Promise.race([target, interrupted]);
  } finally {
    channel.off('data', onData);
    channel.pause();
    // NOTE: input typed during the wait is lost when the client also sent
    // EOF then, because a stream takes no unshift after its end.
    if (typed.length > 0 && !channel.readableEnded) channel.unshift(Buffer.concat(typed));
  }
}

interface RunRequest {
  kind: 'exec' | 'shell' | 'sftp';
  command?: string;
  /** Action the request performs, the start of its error message. */
  description: string;
}

interface StartOptions extends RunRequest {
  env: Record<string, string>;
  pty?: PtyRequest;
  spare?: SpareShell;
}

async function startRequest(channel: ServerChannel, target: SshTarget, request: StartOptions, logger: Logger): Promise<SessionProcess> {
  const common = { target, channel, env: request.env, logger };
  if (request.kind === 'sftp') {
    const sftpServer = await sftpServerPath(target);
    // sftp-server resolves `~` and relative paths against its working
    // folder, which sshd sets to the user's home.
    return startSessionProcess({ ...common, argv: ['/bin/sh', '-c', sftpInHomeScript, sftpServer] });
  }
  if (request.kind === 'exec' && request.command !== undefined && isLegacyScp(request.command)) {
    await checkScpInstalled(target);
  }
  return startSessionProcess({ ...common, command: request.command, pty: request.pty, spare: request.spare });
}

/** True for the command OpenSSH's `scp -O` runs on the remote side: `scp -t` or `scp -f`. */
export function isLegacyScp(command: string): boolean {
  return /^\s*scp(\s+-[A-Za-z]+)*\s+-[A-Za-z]*[tf]/.test(command);
}

/**
 * Fails with an explanation when the container has no `scp`, which the
 * legacy protocol runs there, instead of the shell's "scp: not found".
 */
async function checkScpInstalled(target: SshTarget): Promise<void> {
  const result = await execCapture(target.engine, target.containerId, {
    cmd: ['/bin/sh', '-c', 'command -v scp'],
    user: target.remoteUser,
    env: target.remoteEnv,
  });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `scp -O (the legacy scp protocol) runs scp in the container, and container ${target.containerId.slice(0, 12)} has none. ` +
        'Run scp without -O, which uses SFTP, or install scp in the image (package openssh-client).',
      { containerId: target.containerId, status: result.exitCode },
    );
  }
}

/**
 * Reports a failure on the channel's stderr and ends it with status 255.
 * Returns false when the channel was already closed.
 */
function failChannel(channel: ServerChannel, message: string): boolean {
  if (channel.destroyed || !channel.writable) {
    return false;
  }
  channel.stderr.write(`ssh-proxy: ${message}\n`);
  channel.exit(proxyFailureStatus);
  channel.end();
  return true;
}
