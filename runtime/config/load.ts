import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import { resolveConfigFile } from './discover';
import { parseJsoncObject } from './jsonc';
import { validateConfig } from './validate';
import { computeDevcontainerId, substituteDeep, substituteString } from './substitute';
import type { DevContainerConfig, LoadedConfig } from './types';

export interface LoadConfigOptions {
  workspaceFolder: string;
  /** Path of devcontainer.json; found by discovery when omitted. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
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
  validateConfig(raw, text, configFile);

  const env = options.env ?? process.env;
  const devcontainerId = computeDevcontainerId(identityLabels(workspaceFolder, configFile));
  const local = { localWorkspaceFolder: workspaceFolder, devcontainerId, env };

  const basename = path.basename(workspaceFolder);
  const containerWorkspaceFolder = raw.workspaceFolder
    ? substituteString(raw.workspaceFolder, local)
    : `/workspaces/${basename}`;
  const variables = { ...local, containerWorkspaceFolder };

  const config = substituteDeep(raw, variables);
  const workspaceMount =
    config.workspaceMount ?? formatBindMount(workspaceFolder, containerWorkspaceFolder);

  return {
    configFile,
    workspaceFolder,
    config,
    raw,
    containerWorkspaceFolder,
    workspaceMount,
    devcontainerId,
  };
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
    return await fs.readFile(configFile, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `Could not read ${configFile}: ${(error as Error).message}`,
      { file: configFile },
      { cause: error },
    );
  }
}
