import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import { resolveConfigFile } from './discover';
import { parseJsoncObject } from './jsonc';
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
  checkShape(raw, configFile);

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

const stringProperties = ['name', 'image', 'workspaceFolder', 'workspaceMount', 'containerUser', 'remoteUser'];
const booleanProperties = ['overrideCommand', 'init', 'privileged'];
const stringMapProperties = ['containerEnv'];

/** Checks the types of the properties the runtime acts on. */
function checkShape(config: DevContainerConfig, file: string): void {
  const fail = (jsonPath: string, expected: string): never => {
    throw new ConfigurationError(
      `Invalid value for "${jsonPath}" in ${file}: expected ${expected}.`,
      { file, jsonPath },
    );
  };

  for (const key of stringProperties) {
    if (config[key] !== undefined && typeof config[key] !== 'string') fail(key, 'a string');
  }
  for (const key of booleanProperties) {
    if (config[key] !== undefined && typeof config[key] !== 'boolean') fail(key, 'true or false');
  }
  for (const key of stringMapProperties) {
    const value = config[key];
    if (value === undefined) continue;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(key, 'an object');
    for (const [name, item] of Object.entries(value as object)) {
      if (typeof item !== 'string') fail(`${key}.${name}`, 'a string');
    }
  }
  if (config.build !== undefined) {
    if (config.build === null || typeof config.build !== 'object' || Array.isArray(config.build)) {
      fail('build', 'an object');
    }
    for (const key of ['dockerfile', 'context', 'target'] as const) {
      if (config.build[key] !== undefined && typeof config.build[key] !== 'string') fail(`build.${key}`, 'a string');
    }
    const args = config.build.args;
    if (args !== undefined) {
      if (args === null || typeof args !== 'object' || Array.isArray(args)) fail('build.args', 'an object');
      for (const [name, item] of Object.entries(args)) {
        if (typeof item !== 'string') fail(`build.args.${name}`, 'a string');
      }
    }
  }

  const hasImage = typeof config.image === 'string';
  const hasDockerfile = typeof config.build?.dockerfile === 'string' || typeof config.dockerFile === 'string';
  const hasCompose = config.dockerComposeFile !== undefined;
  if (!hasImage && !hasDockerfile && !hasCompose) {
    throw new ConfigurationError(
      `${file} names no container source. Set "image", "build.dockerfile" or "dockerComposeFile".`,
      { file },
    );
  }
}
