import type { Socket } from 'node:net';
import { parseNameValuePairs } from '../config/nameValue';
import { CancelledError, isCancellation, messageOf } from '../errors';
import { cliLogger } from '../cli/output';
import { abortOnSignals } from '../cli/signals';
import { combineRemoteEnvironment } from '../up/userEnvMerge';
import type { WarmExecOptions } from './arguments';
import { followTerminalSize } from '../engine/terminalSize';
import { demultiplex, SocketEngine } from './engine';
import { describeWarmContainer, FallbackRequired, openWarmWorkspace } from './workspace';

/**
 * Runs `exec` in a workspace's running container when the configuration and
 * the user environment probe are cached, with the same process settings as
 * the full runtime (user, working folder, environment) and the command's
 * exit code as the result. Raises FallbackRequired before it starts
 * anything in the container when the full runtime must run instead.
 */
export async function warmExec(options: WarmExecOptions, socketPath: string): Promise<number> {
  let extraEnv: Record<string, string>;
  try {
    extraEnv = parseNameValuePairs(options.remoteEnv, '--remote-env');
  } catch {
    throw new FallbackRequired('invalid --remote-env');
  }
  const engine = new SocketEngine(socketPath);
  const { loaded, info } = await openWarmWorkspace(engine, options.workspaceFolder, options.config);
  const container = await describeWarmContainer(info, loaded);
  const remoteEnv = combineRemoteEnvironment(container.probed, info.Config.Env ?? [], container.remoteUser, container.merged.remoteEnv);
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  // Creating an exec starts nothing yet, so a failure here can still fall back.
  const { Id: execId } = await engine.request<{ Id: string }>('POST', `/containers/${info.Id}/exec`, {
    Cmd: options.command,
    User: container.remoteUser,
    WorkingDir: loaded.containerWorkspaceFolder,
    Env: Object.entries({ ...remoteEnv, ...extraEnv }).map(([name, value]) => `${name}=${value}`),
    Tty: tty,
    // Engine API 1.42 and later size the TTY from the start; older engines ignore the field, so runCommand also resizes after the start.
    ...(tty && process.stdout.rows && process.stdout.columns ? { ConsoleSize: [process.stdout.rows, process.stdout.columns] } : {}),
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  return await runCommand(engine, options, execId, tty);
}

/**
 * Starts a created exec with the terminal, signal and error handling of the
 * full CLI's `exec` (runtime/cli/exec.ts) and the stream handling of runExec
 * (runtime/engine/exec.ts), and returns the command's exit code.
 */
async function runCommand(engine: SocketEngine, options: WarmExecOptions, execId: string, tty: boolean): Promise<number> {
  const logger = cliLogger(options.logLevel, options.logFormat);
  const abort = abortOnSignals(logger);
  try {
    if (tty) process.stdin.setRawMode(true);
    const stream = await engine.startExec(execId, { stdin: true, Tty: tty });
    const stopResizing = tty
      ? followTerminalSize(process.stdout, ({ h, w }) => engine.requestWithoutReply('POST', `/exec/${execId}/resize?h=${h}&w=${w}`))
      : () => undefined;
    try {
      await pipeUntilEnd(stream, tty, abort.signal);
    } finally {
      stopResizing();
    }
    return await waitForExitCode(engine, execId);
  } catch (error) {
    if (isCancellation(error)) return 130;
    // NOTE: an engine failure after the exec started reads "METHOD PATH returned HTTP N" here,
    // without the engine's own message that the full CLI's error includes.
    logger.error(messageOf(error));
    return 1;
  } finally {
    if (tty) process.stdin.setRawMode(false);
    // The piped stdin would keep the process alive after the command ended.
    process.stdin.destroy();
    abort.dispose();
  }
}

/** Connects the exec's stream to this process's stdin, stdout and stderr until the engine ends it. */
async function pipeUntilEnd(stream: Socket, tty: boolean, signal: AbortSignal): Promise<void> {
  const onAbort = () => stream.destroy(new CancelledError());
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (tty) {
      stream.pipe(process.stdout, { end: false });
    } else {
      demultiplex(stream, process.stdout, process.stderr);
      // The engine client hands the stream over paused, so no output is lost before this point.
      stream.resume();
    }
    process.stdin.pipe(stream);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    process.stdin.unpipe(stream);
    // The command has ended, but stdin the engine never read may still be queued on the
    // connection, which would keep this process alive until the engine drops it.
    stream.destroy();
  }
  if (signal.aborted) {
    throw new CancelledError();
  }
}

/**
 * Reads the exit code of a finished exec, polling briefly while the engine
 * still reports it running, with the schedule of waitForExitCode in
 * runtime/engine/exec.ts.
 */
async function waitForExitCode(engine: SocketEngine, execId: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const info = await engine.request<{ Running: boolean; ExitCode: number | null }>('GET', `/exec/${execId}/json`);
    if (!info.Running && info.ExitCode !== null) {
      return info.ExitCode;
    }
    if (attempt > 200) {
      return info.ExitCode ?? 1;
    }
    await new Promise((resolve) => setTimeout(resolve, attempt < 10 ? 5 : 50));
  }
}
