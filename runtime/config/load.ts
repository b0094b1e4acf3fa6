import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import { resolveConfigFile } from './discover';
import { parseJsoncObject } from './jsonc';
import { validateConfig } from './validate';
import { resolveConfig } from './resolve';
import type { DevContainerConfig, LoadedConfig } from './types';

export { formatBindMount, identityLabels } from './resolve';

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

  const loaded = await resolveConfig({
    workspaceFolder,
    configFile,
    raw,
    env: options.env ?? process.env,
    mountGitRoot: options.mountGitRoot,
  });
  return { ...loaded, text };
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
