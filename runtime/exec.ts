import type { Readable, Writable } from 'node:stream';
import { connectEngine, type Engine } from './engine/client';
import { runExec, type TerminalSize } from './engine/exec';
import { loadConfig } from './config/load';
import type { LoadedConfig } from './config/types';
import { locateContainers } from './locate';
import type { UserEnvProbe } from './config/metadata';
import { EnvironmentError } from './errors';
import type { Logger } from './log';
import { describeRunningContainer } from './up/running';

export interface ExecInDevContainerOptions {
  workspaceFolder?: string;
  configFile?: string;
  /** `--mount-workspace-git-root`: whether `up` mounted the workspace's Git root, which moves the workspace folder in the container. Default true. */
  mountGitRoot?: boolean;
  /** `--container-id`: run in this container instead of the workspace's. */
  containerId?: string;
  /** `--id-label name=value`: find the container by these labels instead. */
  idLabels?: string[];
  command: string[];
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
  tty?: boolean;
  /** With `tty`: the local terminal whose size the command's TTY follows. */
  terminal?: TerminalSize;
  /** Extra variables on top of remoteEnv, as `--remote-env NAME=value` gives them. */
  env?: Record<string, string>;
  defaultUserEnvProbe?: UserEnvProbe;
  logger: Logger;
  signal?: AbortSignal;
  engine?: Engine;
}

/**
 * Runs a command in a workspace's running dev container as the remote user,
 * in the workspace folder, with remoteEnv set, and resolves with its exit code.
 */
export async function execInDevContainer(options: ExecInDevContainerOptions): Promise<number> {
  const byContainer = options.containerId !== undefined || (options.idLabels?.length ?? 0) > 0;
  const loaded =
    byContainer && options.workspaceFolder === undefined
      ? undefined
      : await loadConfig({ workspaceFolder: options.workspaceFolder ?? process.cwd(), configFile: options.configFile, mountGitRoot: options.mountGitRoot });
  const engine = options.engine ?? (await connectEngine({ logger: options.logger }));

  const [found] = await locateContainers({ engine, loaded, containerId: options.containerId, idLabels: options.idLabels });
  if (!found || found.state !== 'running') {
    const subject = options.containerId ?? loaded?.workspaceFolder ?? options.idLabels?.join(', ');
    throw new EnvironmentError(
      `No running dev container for ${subject}` +
        (found ? ` (container ${found.id.slice(0, 12)} is ${found.state})` : '') +
        '. Run `up` first.',
      { endpoint: engine.endpoint, objectId: found?.id },
    );
  }

  const running = await describeRunningContainer({
    engine,
    containerId: found.id,
    loaded: loaded ?? (await configOfContainer(engine, found.id)),
    defaultUserEnvProbe: options.defaultUserEnvProbe,
    signal: options.signal,
  });

  return runExec(engine, found.id, {
    cmd: options.command,
    user: running.remoteUser,
    workingDir: running.workspaceFolder,
    env: { ...running.remoteEnv, ...(options.env ?? {}) },
    tty: options.tty,
    terminal: options.terminal,
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stderr,
    signal: options.signal,
  });
}

/**
 * Loads the configuration a container was created from, named by its
 * labels, so `exec --container-id` runs in that workspace's folder. Returns
 * undefined for containers without the labels or whose files are gone.
 */
async function configOfContainer(engine: Engine, containerId: string): Promise<LoadedConfig | undefined> {
  const labels = (await engine.docker.getContainer(containerId).inspect()).Config.Labels ?? {};
  const workspaceFolder = labels['devcontainer.local_folder'];
  const configFile = labels['devcontainer.config_file'];
  if (!workspaceFolder || !configFile) {
    return undefined;
  }
  try {
    return await loadConfig({ workspaceFolder, configFile });
  } catch {
    return undefined;
  }
}
