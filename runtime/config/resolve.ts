import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { withComposeWorkspace } from '../compose/workspace';
import { computeDevcontainerId, substituteDeep, substituteString } from './substitute';
import type { DevContainerConfig, LoadedConfig } from './types';

// The steps of loading a configuration that follow validation. They import
// no schema validator or engine client, so the CLI's warm path can use them.

/** Returns the labels that identify a workspace's container, named as in the spec. */
export function identityLabels(workspaceFolder: string, configFile: string): Record<string, string> {
  return {
    'devcontainer.local_folder': workspaceFolder,
    'devcontainer.config_file': configFile,
  };
}

export interface ResolveConfigOptions {
  /** Absolute path of the workspace folder. */
  workspaceFolder: string;
  /** Absolute path of devcontainer.json. */
  configFile: string;
  /** The parsed and validated devcontainer.json. */
  raw: DevContainerConfig;
  env: NodeJS.ProcessEnv;
  /** See LoadConfigOptions.mountGitRoot. Default true. */
  mountGitRoot?: boolean;
  /** The `${devcontainerId}` of this workspace and config file, when already known; computed otherwise. */
  devcontainerId?: string;
}

/**
 * Substitutes the host variables of a validated devcontainer.json and
 * computes the workspace folder and mount in the container.
 */
export async function resolveConfig(options: ResolveConfigOptions): Promise<LoadedConfig> {
  const { workspaceFolder, configFile, raw, env } = options;
  const devcontainerId = options.devcontainerId ?? computeDevcontainerId(identityLabels(workspaceFolder, configFile));
  const local = { localWorkspaceFolder: workspaceFolder, devcontainerId, env };

  const gitRoot = options.mountGitRoot === false || raw.workspaceMount !== undefined ? undefined : await findGitRoot(workspaceFolder);
  const mountSource = gitRoot ?? workspaceFolder;
  const mountTarget = `/workspaces/${path.basename(mountSource)}`;
  const defaultFolder = gitRoot
    ? path.posix.join(mountTarget, ...path.relative(gitRoot, workspaceFolder).split(path.sep))
    : mountTarget;
  const containerWorkspaceFolder = raw.workspaceFolder ? substituteString(raw.workspaceFolder, local) : defaultFolder;
  const variables = { ...local, containerWorkspaceFolder };

  const config = substituteDeep(raw, variables);
  // An empty workspaceMount means no workspace mount at all.
  const workspaceMount =
    config.workspaceMount === ''
      ? undefined
      : (config.workspaceMount ?? formatBindMount(mountSource, raw.workspaceFolder && !gitRoot ? containerWorkspaceFolder : mountTarget));

  // Compose configurations mount the workspace in the compose file and default workspaceFolder to /.
  return withComposeWorkspace(
    { configFile, workspaceFolder, config, raw, containerWorkspaceFolder, workspaceMount, devcontainerId },
    env,
  );
}

/**
 * Returns the nearest folder at or above `folder` that has a `.git` entry
 * (a folder, or a file for worktrees and submodules), unless that is
 * `folder` itself, where mounting it changes nothing.
 */
async function findGitRoot(folder: string): Promise<string | undefined> {
  let current = folder;
  for (;;) {
    try {
      await fs.stat(path.join(current, '.git'));
      return current === folder ? undefined : current;
    } catch {
      // Not here; try the parent.
    }
    const parent = path.dirname(current);
    if (parent === current) {
      return undefined;
    }
    current = parent;
  }
}

/** Writes a `type=bind` mount in Docker's CSV form, quoting fields that need it. */
export function formatBindMount(source: string, target: string): string {
  return `type=bind,${csvField(`source=${source}`)},${csvField(`target=${target}`)}`;
}

function csvField(field: string): string {
  return /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
