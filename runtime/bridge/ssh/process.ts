import { randomBytes } from 'node:crypto';
import { PassThrough, type Duplex, type Writable } from 'node:stream';
import type { ServerChannel } from 'ssh2';
import { execCapture, startExec, waitForExitCode } from '../../engine/exec';
import type { Logger } from '../../log';
import { messageOf } from '../../errors';
import { pausingWriter } from '../stream';
import { signalOfExitCode } from './exitSignal';
import { canUseSpareShell, type SpareShell, spareShellExec, spareShellExports } from './spareShell';
import type { SshTarget } from './target';
import sessionShellScript from './session-shell.sh';
import signalSessionScript from './signal-session.sh';

/** The pseudo-terminal a `pty-req` asked for. */
export interface PtyRequest {
  term: string;
  columns: number;
  rows: number;
}

export interface SessionProcessOptions {
  target: SshTarget;
  channel: ServerChannel;
  /** Argv to run directly; when absent the login shell script runs `command`. */
  argv?: string[];
  /** The exec request's command; absent for a shell request. */
  command?: string;
  pty?: PtyRequest;
  /** Variables from `env` requests, on top of remoteEnv. */
  env: Record<string, string>;
  logger: Logger;
  /** A spare shell to run the request in, used when `canUseSpareShell` allows it and it is still waiting. */
  spare?: SpareShell;
}

/** Starts a spare shell for the next session request of the connection. */
export async function startSpareShell(target: SshTarget): Promise<SpareShell> {
  const { sessionId, ...settings } = spareShellExec(target);
  const { exec, stream } = await startExec(target.engine, target.containerId, { ...settings, stdin: new PassThrough() });
  // An error before a session takes the stream destroys it, and the session then starts a new exec.
  stream.on('error', () => undefined);
  return { execId: exec.id, stream, sessionId, exitCode: () => waitForExitCode(target.engine, exec, target.containerId) };
}

export interface SessionProcess {
  resize(columns: number, rows: number): void;
  /** Sends a signal (a name such as INT, without SIG) to the session's first process. */
  signal(name: string): Promise<void>;
  /** Sends SIGHUP to every process of the session, as sshd does when the client leaves. */
  hangUp(): Promise<void>;
  /** Settles after the exit status was sent and the channel closed. */
  finished: Promise<void>;
}

/**
 * Runs a session request's process in the container through one exec, as
 * the remote user in the workspace folder, and connects it to the channel.
 * Stdin is piped, and stdout and stderr stay apart (one stream with a pty).
 * The exit status goes out before the channel ends, because OpenSSH reports
 * 255 for a channel that closes without one.
 */
export async function startSessionProcess(options: SessionProcessOptions): Promise<SessionProcess> {
  const { target, channel, pty, logger } = options;
  const tty = pty !== undefined;
  const { execId, stream, sessionId, exitCode: readExitCode, resize } = await startOrReuse(options);

  connectInput(channel, stream, tty);
  const outputDone = connectOutput(target, channel, stream, tty);
  // The warm path's engine client (runtime/fast/engine.ts) hands a spare shell's stream over paused.
  stream.resume();

  let exited = false;
  const finished = (async () => {
    await outputDone;
    exited = true;
    if (channel.destroyed || !channel.writable) {
      return;
    }
    const exitCode = await readExitCode();
    logger.debug(`Process ${execId.slice(0, 12)} exited with ${exitCode}`);
    await flushed(channel);
    await flushed(channel.stderr);
    // OpenSSH's client exits with 255 after an exit-signal, as for sshd's
    // report of a process that a signal ended.
    const signal = signalOfExitCode(exitCode);
    if (signal === undefined) {
      channel.exit(exitCode);
    } else {
      channel.exit(signal, false, '');
    }
    channel.end();
  })();

  const sendSignal = async (name: string, scope: 'all' | 'leader') => {
    if (exited || !/^[A-Z][A-Z0-9]*$/.test(name)) return;
    const result = await execCapture(target.engine, target.containerId, {
      cmd: ['/bin/sh', '-c', signalSessionScript, 'signal-session', name, scope, sessionId],
      // Root in a container without CAP_SYS_PTRACE cannot read another
      // user's /proc/PID/environ, and the session runs as the remote user.
      user: target.remoteUser,
    });
    if (result.exitCode !== 0) {
      logger.debug(`Sending SIG${name} to session ${sessionId} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`);
    }
  };

  // Closing the exec's connection does not end its process, with or without
  // a pty, so a client that leaves hangs the session up.
  let hangUp: Promise<void> | undefined;
  const hangUpOnce = () => {
    if (exited) return Promise.resolve();
    hangUp ??= sendSignal('HUP', 'all').catch((error: unknown) => {
      logger.debug(`Hanging up session ${sessionId} failed: ${messageOf(error)}`);
    });
    stream.destroy();
    return hangUp;
  };
  channel.on('close', () => void hangUpOnce());

  return {
    resize(columns, rows) {
      if (!tty || exited) return;
      resize(columns, rows).catch((error: unknown) => {
        logger.debug(`Resizing the terminal of exec ${execId.slice(0, 12)} failed: ${messageOf(error)}`);
      });
    },
    signal: (name) => sendSignal(name, 'leader'),
    hangUp: hangUpOnce,
    finished,
  };
}

interface StartedProcess extends SpareShell {
  resize(columns: number, rows: number): Promise<void>;
}

/** Hands the request to the spare shell when it can run it and still waits, else starts a new exec. */
async function startOrReuse(options: SessionProcessOptions): Promise<StartedProcess> {
  const { target, spare } = options;
  if (spare && canUseSpareShell(options) && !spare.stream.destroyed && !spare.stream.readableEnded) {
    options.logger.debug(`Running the request in spare shell ${spare.execId.slice(0, 12)}`);
    spare.stream.write(`${spareShellExports(options.env, options.command)}\n`);
    // A spare shell has no TTY to resize.
    return { ...spare, resize: () => Promise.resolve() };
  }
  spare?.stream.destroy();
  const sessionId = randomBytes(8).toString('hex');
  const { exec, stream } = await startExec(target.engine, target.containerId, {
    cmd: options.argv ?? ['/bin/sh', '-c', sessionShellScript],
    user: target.remoteUser,
    workingDir: target.workspaceFolder,
    env: { ...processEnvironment(options), DEVCONTAINER_SSH_SESSION: sessionId },
    tty: options.pty !== undefined,
    // The engine attaches stdin only when a stream is given; the channel
    // writes to the exec's stream directly.
    stdin: new PassThrough(),
  });
  return {
    execId: exec.id,
    stream,
    sessionId,
    exitCode: () => waitForExitCode(target.engine, exec, target.containerId),
    resize: (columns, rows) => exec.resize({ w: columns, h: rows }),
  };
}

function processEnvironment(options: SessionProcessOptions): Record<string, string> {
  const env: Record<string, string> = { ...options.target.remoteEnv, ...options.env };
  if (options.command !== undefined) {
    env.DEVCONTAINER_SSH_COMMAND = options.command;
  }
  if (options.pty) {
    env.TERM = options.pty.term || 'xterm';
    if (options.pty.columns > 0 && options.pty.rows > 0) {
      env.DEVCONTAINER_SSH_COLUMNS = String(options.pty.columns);
      env.DEVCONTAINER_SSH_ROWS = String(options.pty.rows);
    }
  }
  return env;
}

/**
 * Pipes the channel's data to the process. The client's EOF closes the
 * process's stdin, except with a pty. OpenSSH's `ssh -tt` sends EOF as soon
 * as its own stdin ends, and closing a terminal's input would hang up the
 * process, so a terminal session ends when its process does.
 */
function connectInput(channel: ServerChannel, stream: Duplex, tty: boolean): void {
  channel.pipe(stream, { end: false });
  if (!tty) {
    channel.on('end', () => stream.end());
  }
}

/** Pipes the process's output to the channel and resolves when the process's output ended. */
function connectOutput(target: SshTarget, channel: ServerChannel, stream: Duplex, tty: boolean): Promise<void> {
  if (tty) {
    stream.pipe(pausingWriter(channel, stream));
  } else {
    target.engine.docker.modem.demuxStream(stream, pausingWriter(channel, stream), pausingWriter(channel.stderr, stream));
  }
  return new Promise((resolve) => {
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}

/** Resolves once every chunk written to `writable` before the call has been passed on. */
function flushed(writable: Writable): Promise<void> {
  if (writable.destroyed || writable.writableEnded) {
    return Promise.resolve();
  }
  return new Promise((resolve) => writable.write(Buffer.alloc(0), () => resolve()));
}
