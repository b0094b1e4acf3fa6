// Entry of dist/cli-ssh.js, which dist/cli.js loads for `ssh-proxy`. It
// serves the connection without the full CLI when the workspace's container
// is running with nothing left for `up` to do, checked as the warm `up`
// checks it (runtime/fast/up.ts). Otherwise it raises FallbackRequired
// before it touches stdin or stdout, and dist/cli.js loads the full CLI.
import type { LogFormat } from '../../cli/output';
import type { LogLevel } from '../../log';
import { SocketEngine } from '../../fast/engine';
import { checkNothingDue } from '../../fast/up';
import { describeWarmContainer, FallbackRequired, isLocked, openWarmWorkspace } from '../../fast/workspace';
import { combineRemoteEnvironment } from '../../up/userEnvMerge';
import { type SpareShell, spareShellExec } from './spareShell';
import type { SshTarget } from './target';

export interface WarmSshProxyOptions {
  workspaceFolder: string;
  config?: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  logFile?: string;
}

/**
 * Log levels the warm path serves. At info and below the full `up` logs its
 * steps and engine requests, which the warm path does not reproduce.
 */
const warmLogLevels = new Set(['warn', 'error']);

const valueOptions = new Set(['--workspace-folder', '--config', '--log-level', '--log-format', '--log-file']);

/**
 * Parses `ssh-proxy` arguments (after the command name) in the plain
 * `--name value` form, each option at most once. Returns undefined for
 * anything else, which the full CLI then parses.
 */
export function parseWarmSshProxy(argv: string[]): WarmSshProxyOptions | undefined {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index];
    const value = argv[index + 1];
    if (!valueOptions.has(name) || values.has(name) || value === undefined || value === '' || value.startsWith('-')) {
      return undefined;
    }
    values.set(name, value);
  }
  const logLevel = values.get('--log-level') ?? 'warn';
  const logFormat = values.get('--log-format') ?? 'text';
  if (!warmLogLevels.has(logLevel) || (logFormat !== 'text' && logFormat !== 'json')) {
    return undefined;
  }
  return {
    workspaceFolder: values.get('--workspace-folder') ?? process.cwd(),
    config: values.get('--config'),
    logLevel: logLevel as LogLevel,
    logFormat,
    logFile: values.get('--log-file'),
  };
}

/**
 * Returns the container `up` would reuse, with the settings it would return,
 * when `up` has nothing to do: a running container, the configuration and
 * user environment probe cached, and every due lifecycle command done.
 * Raises FallbackRequired otherwise. The engine client is left out, because
 * loading it can wait until the SSH handshake has started.
 */
export async function findWarmTarget(options: WarmSshProxyOptions, socketPath: string): Promise<Omit<SshTarget, 'engine'>> {
  const engine = new SocketEngine(socketPath);
  const { loaded, info } = await openWarmWorkspace(engine, options.workspaceFolder, options.config);
  if (loaded.config.dockerComposeFile !== undefined) {
    throw new FallbackRequired('compose configuration');
  }
  if (loaded.config.initializeCommand !== undefined) {
    throw new FallbackRequired('initializeCommand runs on every up');
  }
  if (isLocked(loaded.devcontainerId)) {
    throw new FallbackRequired('another run holds the dev container lock');
  }
  const container = await describeWarmContainer(info, loaded);
  // ssh-proxy skips postAttachCommand (see proxy.ts), so it does not force the full path.
  await checkNothingDue(container.merged, info.Id, info.State.StartedAt, true);
  return {
    containerId: info.Id,
    remoteUser: container.remoteUser,
    workspaceFolder: loaded.containerWorkspaceFolder,
    remoteEnv: combineRemoteEnvironment(container.probed, info.Config.Env ?? [], container.remoteUser, container.merged.remoteEnv),
  };
}

/**
 * Serves `ssh-proxy ARGV` on the warm path and returns its exit code, then
 * ends the process. Raises FallbackRequired, having read and written
 * nothing, when the full CLI must serve it.
 */
export async function warmSshProxy(argv: string[], socketPath: string): Promise<number> {
  const options = parseWarmSshProxy(argv);
  if (options === undefined) {
    throw new FallbackRequired('ssh-proxy arguments outside the warm path');
  }
  const found = await findWarmTarget(options, socketPath);
  // Started before ssh2 and the engine client load, so the engine starts
  // the process while they do and while the handshake goes on.
  const spareShell = startSpareShellOverSocket(new SocketEngine(socketPath), found);

  const [{ runProxyProcess }, { serveProxy }] = await Promise.all([import('./proxyProcess'), import('./serveProxy')]);
  const exitCode = await runProxyProcess({
    logLevel: options.logLevel,
    logFormat: options.logFormat,
    logFile: options.logFile,
    serve: (socket, logger, signal) =>
      serveProxy({
        workspaceFolder: options.workspaceFolder,
        socket,
        logger,
        signal,
        bringUp: async () => {
          const { connectEngine } = await import('../../engine/client');
          return { ...found, engine: await connectEngine({ logger }) };
        },
        spareShell,
      }),
  });
  // Engine sockets and the stdin handle would keep the process alive after
  // the client disconnected. The caller sees the exit code first.
  process.exitCode = exitCode;
  setImmediate(() => process.exit());
  return exitCode;
}

/** Starts a spare shell (see SpareShell) through the warm path's engine client. */
async function startSpareShellOverSocket(engine: SocketEngine, target: Omit<SshTarget, 'engine'>): Promise<SpareShell> {
  const { sessionId, cmd, user, workingDir, env } = spareShellExec(target);
  // The body startExec in runtime/engine/exec.ts sends, with stdin attached and no TTY.
  const { Id: execId } = await engine.request<{ Id: string }>('POST', `/containers/${target.containerId}/exec`, {
    Cmd: cmd,
    User: user,
    WorkingDir: workingDir,
    Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
    Tty: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await engine.startExec(execId, { stdin: true, Tty: false });
  // An error before a session takes the stream destroys it, and the session then starts a new exec.
  stream.on('error', () => undefined);
  return { execId, stream, sessionId, exitCode: () => readExitCode(engine, execId) };
}

/**
 * Reads the exit code of a finished exec, polling briefly while the engine
 * still reports it running, with the schedule of waitForExitCode in
 * runtime/engine/exec.ts.
 */
async function readExitCode(engine: SocketEngine, execId: string): Promise<number> {
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
