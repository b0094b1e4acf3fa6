import type { Readable, Writable } from 'node:stream';
import { connectEngine, type Engine } from './engine/client';
import { findContainer, inspectContainer } from './engine/containers';
import { runExec } from './engine/exec';
import { identityLabels, loadConfig } from './config/load';
import { mergeMetadata, readMetadataLabel } from './config/metadata';
import { EnvironmentError } from './errors';
import type { Logger } from './log';
import { remoteUserOf } from './up/index';
import { remoteEnvironment } from './up/environment';

export interface ExecInDevContainerOptions {
  workspaceFolder: string;
  configFile?: string;
  command: string[];
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
  tty?: boolean;
  /** Extra variables on top of remoteEnv, as `--remote-env NAME=value` gives them. */
  env?: Record<string, string>;
  logger: Logger;
  signal?: AbortSignal;
  engine?: Engine;
}

/**
 * Runs a command in a workspace's running dev container as the remote user,
 * in the workspace folder, with remoteEnv set, and resolves with its exit code.
 */
export async function execInDevContainer(options: ExecInDevContainerOptions): Promise<number> {
  const loaded = await loadConfig({ workspaceFolder: options.workspaceFolder, configFile: options.configFile });
  const engine = options.engine ?? (await connectEngine({ logger: options.logger }));

  const found = await findContainer(engine, identityLabels(loaded.workspaceFolder, loaded.configFile));
  if (!found || found.state !== 'running') {
    throw new EnvironmentError(
      `No running dev container for ${loaded.workspaceFolder}` +
        (found ? ` (container ${found.id.slice(0, 12)} is ${found.state})` : '') +
        '. Run `up` first.',
      { endpoint: engine.endpoint, objectId: found?.id },
    );
  }

  const info = await inspectContainer(engine, found.id);
  const merged = mergeMetadata(readMetadataLabel(info.Config.Labels));
  const remoteUser = remoteUserOf(merged, info.Config.User);
  const remoteEnv = await remoteEnvironment({ engine, info, merged, remoteUser, signal: options.signal });

  return runExec(engine, found.id, {
    cmd: options.command,
    user: remoteUser,
    workingDir: loaded.containerWorkspaceFolder,
    env: { ...remoteEnv, ...(options.env ?? {}) },
    tty: options.tty,
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stderr,
    signal: options.signal,
  });
}
