import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import { resolveConfigFile } from './discover';
import { parseJsoncObject } from './jsonc';
import { validateConfig } from './validate';
import { withComposeWorkspace } from '../compose/workspace';
import { computeDevcontainerId, substituteDeep, substituteString } from './substitute';
import type { DevContainerConfig, LoadedConfig } from './types';

export interface LoadConfigOptions {
  workspaceFolder: string;
  /** Path of devcontainer.json; found by discovery when omitted. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Mount the Git repository root that contains the workspace folder (when
   * the config sets no workspaceMount), so Git works in the container, as
   * the reference CLI does by default. Default true.
   */
  mountGitRoot?: boolean;
  /**
   * Reject a configuration that names no image, Dockerfile or compose file.
   * `set-up` turns this off: its container exists already. Default true.
   */
  requireContainerSource?: boolean;
}

/** Returns the labels that identify a workspace's container, named as in the spec. */
export function identityLabels(workspaceFolder: string, configFile: string): Record<string, string> {
  return {
    'devcontainer.local_folder': workspaceFolder,
    'devcontainer.config_file': configFile,
  };
}

/**
 * Finds, reads, parses and checks devcontainer.json, then substitutes the
 * variables that can be known on the host. Every failure is a
 * ConfigurationError naming the file, raised before anything is built.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const workspaceFolder = path.resolve(options.workspaceFolder);
  await assertFolder(workspaceFolder);
  const configFile = await resolveConfigFile(workspaceFolder, options.configFile);

  const text = await readConfigText(configFile);
  const raw = parseJsoncObject(text, configFile) as DevContainerConfig;
  validateConfig(raw, text, configFile, { requireContainerSource: options.requireContainerSource });

  const env = options.env ?? process.env;
  const devcontainerId = computeDevcontainerId(identityLabels(workspaceFolder, configFile));
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

async function assertFolder(folder: string): Promise<void> {
  try {
    if ((await fs.stat(folder)).isDirectory()) {
      return;
    }
  } catch {
    // Reported below.
  }
  throw new ConfigurationError(
    `Workspace folder not found: ${folder}. Pass an existing folder with --workspace-folder.`,
    { file: folder },
  );
}

async function readConfigText(configFile: string): Promise<string> {
  try {
    // Editors on Windows may start the file with a byte order mark.
    return (await fs.readFile(configFile, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ConfigurationError(
      `Could not read ${configFile}: ${(error as Error).message}`,
      { file: configFile },
      { cause: error },
    );
  }
}
