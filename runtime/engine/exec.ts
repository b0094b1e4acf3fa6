import type { Duplex, Readable, Writable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { CancelledError } from '../errors';
import { type Engine, engineError } from './client';
import { followTerminalSize, type TerminalSize } from './terminalSize';

export type { TerminalSize } from './terminalSize';

export interface ExecOptions {
  /** argv, run without a shell unless the caller adds one. */
  cmd: string[];
  user?: string;
  workingDir?: string;
  env?: Record<string, string>;
  /** Allocate a pseudo-terminal; output is then one raw stream. */
  tty?: boolean;
  /** With `tty`: the local terminal whose size the exec's TTY takes at start and on each resize. */
  terminal?: TerminalSize;
  /** Piped to the process; its end closes the process's stdin. */
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  signal?: AbortSignal;
}

/** Runs a process in a container and resolves with its exit code. */
export async function runExec(engine: Engine, containerId: string, options: ExecOptions): Promise<number> {
  const { exec, stream } = await startExec(engine, containerId, options);
  const stdout = options.stdout ?? new PassThrough().resume();
  const stderr = options.stderr ?? new PassThrough().resume();

  const stopResizing = options.tty && options.terminal ? followTerminalSize(options.terminal, (size) => exec.resize(size)) : () => undefined;
  const onAbort = () => stream.destroy(new CancelledError());
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // An abort while the exec was being created and started fired no event.
  if (options.signal?.aborted) onAbort();
  try {
    if (options.tty) {
      stream.pipe(stdout, { end: false });
    } else {
      engine.docker.modem.demuxStream(stream, stdout, stderr);
    }
    if (options.stdin) {
      options.stdin.pipe(stream);
    }

    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    options.stdin?.unpipe(stream);
    stopResizing();
    // The output has ended, so the process has. Stdin it never read may still be queued
    // on the connection, which would keep the connection open until the engine drops it.
    stream.destroy();
  }
  if (options.signal?.aborted) {
    throw new CancelledError();
  }
  return waitForExitCode(engine, exec, containerId);
}

export interface ExecCapture {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a short process in a container and collects its output as text. */
export async function execCapture(
  engine: Engine,
  containerId: string,
  options: Omit<ExecOptions, 'stdout' | 'stderr' | 'tty'>,
): Promise<ExecCapture> {
  const stdoutChunks: Buffer[] = [];
  const stderrChunks: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => stdoutChunks.push(chunk));
  stderr.on('data', (chunk: Buffer) => stderrChunks.push(chunk));

  const exitCode = await runExec(engine, containerId, { ...options, stdout, stderr });
  return {
    exitCode,
    stdout: Buffer.concat(stdoutChunks).toString('utf8'),
    stderr: Buffer.concat(stderrChunks).toString('utf8'),
  };
}

export interface StartedExec {
  exec: import('dockerode').Exec;
  /** The hijacked connection: multiplexed output unless `tty` was set. */
  stream: Duplex;
}

/** Creates and starts an exec, returning its raw hijacked stream. */
export async function startExec(
  engine: Engine,
  containerId: string,
  options: Omit<ExecOptions, 'stdout' | 'stderr'>,
): Promise<StartedExec> {
  const container = engine.docker.getContainer(containerId);
  const attachStdin = options.stdin !== undefined;
  try {
    engine.logger.debug(`POST /containers/${containerId.slice(0, 12)}/exec`);
    const exec = await container.exec({
      Cmd: options.cmd,
      User: options.user,
      WorkingDir: options.workingDir,
      Env: options.env ? Object.entries(options.env).map(([name, value]) => `${name}=${value}`) : undefined,
      Tty: options.tty ?? false,
      // Engine API 1.42 and later size the TTY from the start; older engines ignore the field, so runExec also resizes after the start.
      ...(options.tty && options.terminal?.rows && options.terminal.columns ? { ConsoleSize: [options.terminal.rows, options.terminal.columns] } : {}),
      AttachStdin: attachStdin,
      AttachStdout: true,
      AttachStderr: true,
    });
    engine.logger.debug(`POST /exec/${exec.id.slice(0, 12)}/start`);
    const stream = (await exec.start({ hijack: true, stdin: attachStdin, Tty: options.tty ?? false })) as Duplex;
    return { exec, stream };
  } catch (error) {
    throw engineError(engine, `Running ${options.cmd[0]} in the container`, error, containerId);
  }
}

/**
 * Reads the exit code of a finished exec. The stream can end a moment before
 * the engine records the exit, so this polls briefly while it still runs.
 */
export async function waitForExitCode(
  engine: Engine,
  exec: import('dockerode').Exec,
  containerId: string,
): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    let info: { Running: boolean; ExitCode: number | null };
    try {
      info = await exec.inspect();
    } catch (error) {
      throw engineError(engine, 'Reading the exit code of an exec', error, containerId);
    }
    if (!info.Running && info.ExitCode !== null) {
      return info.ExitCode;
    }
    if (attempt > 200) {
      return info.ExitCode ?? 1;
    }
    await new Promise((resolve) => setTimeout(resolve, attempt < 10 ? 5 : 50));
  }
}
