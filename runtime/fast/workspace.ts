import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfigFile } from '../config/discover';
import { parseJsoncObject } from '../config/jsonc';
import { identityLabels, resolveConfig } from '../config/resolve';
import type { DevContainerConfig, LoadedConfig } from '../config/types';
import { containerMetadataEntries, mergeContainerMetadata, remoteUserOf } from '../up/containerMetadata';
import type { MergedMetadata } from '../config/metadata';
import { readProbeCache, userEnvCachePath } from '../up/userEnvCache';
import type { SocketEngine } from './engine';
import { recordedDevcontainerId } from './validated';

/**
 * Raised when the warm path cannot finish a command exactly as the full
 * runtime would, so the CLI runs the full runtime instead. The message
 * names the reason, for `DEVCONTAINER_OPEN_FAST_PATH=report`.
 */
export class FallbackRequired extends Error {}

/** The workspace's configuration and its running container. */
export interface WarmWorkspace {
  loaded: LoadedConfig;
  info: InspectedContainer;
}

/**
 * Loads devcontainer.json the way loadConfig does, except that the schema
 * check is replaced by the record of the last configuration that passed it,
 * and finds and inspects the workspace's running container. The container
 * lookup starts as soon as the config file is known, so the engine works
 * while the configuration is parsed. Any failure (a missing folder, a syntax
 * error, a configuration not yet validated, no running container) falls
 * back, so the full runtime reports it.
 */
export async function openWarmWorkspace(engine: SocketEngine, workspaceFolderOption: string, configOption: string | undefined): Promise<WarmWorkspace> {
  const workspaceFolder = path.resolve(workspaceFolderOption);
  if (!isFolder(workspaceFolder)) {
    throw new FallbackRequired(`workspace folder ${workspaceFolder} not found`);
  }
  let configFile: string;
  try {
    // `--config` is relative to the current folder, as in the full CLI.
    configFile = await resolveConfigFile(workspaceFolder, configOption === undefined ? undefined : path.resolve(configOption));
  } catch (error) {
    throw new FallbackRequired(`configuration not found: ${(error as Error).message}`);
  }

  const lookup = inspectWorkspaceContainer(engine, workspaceFolder, configFile);
  // A fallback below leaves the lookup unawaited, and its failure must not end the process.
  lookup.catch(() => undefined);
  const loaded = await loadRecordedConfig(workspaceFolder, configFile);
  return { loaded, info: await lookup };
}

async function loadRecordedConfig(workspaceFolder: string, configFile: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = fs.readFileSync(configFile, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new FallbackRequired(`configuration not loaded: ${(error as Error).message}`);
  }
  const devcontainerId = recordedDevcontainerId(workspaceFolder, configFile, text);
  if (devcontainerId === undefined) {
    throw new FallbackRequired(`${configFile} has not passed the schema check in this form`);
  }
  // The text passed the schema check, so it parses.
  const raw = parseJsoncObject(text, configFile) as DevContainerConfig;

  return resolveConfig({ workspaceFolder, configFile, raw, env: process.env, devcontainerId });
}

function isFolder(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/** The parts of the Engine API's container inspection the warm path reads. */
export interface InspectedContainer {
  Id: string;
  Config: { User?: string; Env?: string[] | null; Labels?: Record<string, string> | null };
  State: { Running: boolean; StartedAt: string };
}

/**
 * Finds the workspace's container by its identity labels, most recent first,
 * as locateContainers and findContainer do, and inspects it. Falls back when
 * there is none or it is not running.
 */
async function inspectWorkspaceContainer(engine: SocketEngine, workspaceFolder: string, configFile: string): Promise<InspectedContainer> {
  const labels = Object.entries(identityLabels(workspaceFolder, configFile)).map(([name, value]) => `${name}=${value}`);
  const query = `all=1&filters=${encodeURIComponent(JSON.stringify({ label: labels }))}`;
  const found = await engine.request<{ Id: string; State: string; Created: number }[]>('GET', `/containers/json?${query}`);
  found.sort((a, b) => b.Created - a.Created);
  const first = found[0];
  if (!first || first.State !== 'running') {
    throw new FallbackRequired(first ? `container ${first.Id.slice(0, 12)} is ${first.State}` : 'no container');
  }
  const info = await engine.request<InspectedContainer>('GET', `/containers/${first.Id}/json`);
  if (!info.State.Running) {
    throw new FallbackRequired(`container ${first.Id.slice(0, 12)} stopped`);
  }
  return info;
}

/** A running container's settings as describeRunningContainer computes them, before the environment. */
export interface WarmContainer {
  info: InspectedContainer;
  merged: MergedMetadata;
  remoteUser: string;
  /** The cached user environment probe, empty when userEnvProbe is `none`. */
  probed: Record<string, string>;
}

/**
 * Merges the container's metadata with the configuration and reads the
 * cached user environment probe. Falls back for a container without the
 * metadata label (its image would have to be inspected) and when no probe
 * is cached for this container start, because the full runtime would probe.
 */
export async function describeWarmContainer(info: InspectedContainer, loaded: LoadedConfig): Promise<WarmContainer> {
  const entries = containerMetadataEntries(info.Config.Labels ?? undefined);
  if (!entries) {
    throw new FallbackRequired('container has no metadata label');
  }
  const merged = mergeContainerMetadata(entries, { loaded });
  const remoteUser = remoteUserOf(merged, info.Config.User);

  const probe = merged.userEnvProbe ?? 'loginInteractiveShell';
  let probed: Record<string, string> = {};
  if (probe !== 'none') {
    const cacheFile = userEnvCachePath({ containerId: info.Id, startedAt: info.State.StartedAt, user: remoteUser, probe });
    const cached = await readProbeCache(cacheFile);
    if (!cached) {
      throw new FallbackRequired('no cached user environment probe');
    }
    probed = cached;
  }
  return { info, merged, remoteUser, probed };
}

/** Returns true while another `up` holds the dev container's lock (see runtime/up/lock.ts). */
export function isLocked(devcontainerId: string): boolean {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return fs.existsSync(path.join(base, 'devcontainer-open', 'locks', devcontainerId));
}
