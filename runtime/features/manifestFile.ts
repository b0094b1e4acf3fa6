import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import { toEngineMount } from '../engine/mounts';
import { parseJsoncObject } from '../config/jsonc';
import type { MountSpec } from '../config/types';
import type { FeatureManifest } from './types';

export const featureManifestName = 'devcontainer-feature.json';

/** Reads and checks devcontainer-feature.json in a Feature folder. `label` names the Feature in errors. */
export async function readFeatureManifest(folder: string, label: string): Promise<FeatureManifest> {
  const file = path.join(folder, featureManifestName);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `Feature ${label} has no ${featureManifestName} (looked for ${file}). A Feature folder needs ${featureManifestName} and install.sh.`,
      { file },
      { cause: error },
    );
  }
  return checkFeatureManifest(parseJsoncObject(text, file), file);
}

/**
 * Checks the types of the properties the runtime acts on, so a wrong type
 * fails here with the file and property named, not later in the build.
 */
export function checkFeatureManifest(value: Record<string, unknown>, file: string): FeatureManifest {
  const fail = (jsonPath: string, expected: string): never => {
    throw new ConfigurationError(`Invalid "${jsonPath}" in ${file}: expected ${expected}.`, { file, jsonPath });
  };
  if (typeof value.id !== 'string' || !/^[a-zA-Z0-9_.-]+$/.test(value.id)) {
    fail('id', 'a string of letters, digits, ".", "_" or "-"');
  }
  for (const key of ['version', 'name', 'entrypoint', 'currentId']) {
    if (value[key] !== undefined && typeof value[key] !== 'string') fail(key, 'a string');
  }
  for (const key of ['init', 'privileged', 'deprecated']) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean') fail(key, 'true or false');
  }
  for (const key of ['capAdd', 'securityOpt', 'installsAfter', 'legacyIds']) {
    const list = value[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string'))) {
      fail(key, 'an array of strings');
    }
  }
  for (const key of ['containerEnv', 'options', 'dependsOn', 'customizations']) {
    const map = value[key];
    if (map !== undefined && (map === null || typeof map !== 'object' || Array.isArray(map))) fail(key, 'an object');
  }
  for (const [name, env] of Object.entries((value.containerEnv ?? {}) as Record<string, unknown>)) {
    if (typeof env !== 'string') fail(`containerEnv.${name}`, 'a string');
  }
  if (value.mounts !== undefined && !Array.isArray(value.mounts)) fail('mounts', 'an array');
  checkMounts(value, file);
  for (const [name, option] of Object.entries((value.options ?? {}) as Record<string, unknown>)) {
    checkOptionDeclaration(name, option, fail);
  }
  return value as FeatureManifest;
}

function checkOptionDeclaration(name: string, option: unknown, fail: (jsonPath: string, expected: string) => never): void {
  const where = `options.${name}`;
  if (!option || typeof option !== 'object' || Array.isArray(option)) fail(where, 'an object');
  const declaration = option as Record<string, unknown>;
  const type = declaration.type;
  if (type !== undefined && type !== 'boolean' && type !== 'string') fail(`${where}.type`, '"boolean" or "string"');
  if (type === 'boolean' && declaration.default !== undefined && typeof declaration.default !== 'boolean') {
    fail(`${where}.default`, 'true or false, because the option is a boolean');
  }
  if (type === 'string' && declaration.default !== undefined && typeof declaration.default !== 'string') {
    fail(`${where}.default`, 'a string, because the option is a string');
  }
  for (const key of ['enum', 'proposals']) {
    const list = declaration[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string'))) {
      fail(`${where}.${key}`, 'an array of strings');
    }
  }
}

/**
 * Checks each mount as the container create step will, so an invalid mount
 * fails when the Feature is read, naming the Feature and its file, and not
 * after the image is built.
 */
function checkMounts(value: Record<string, unknown>, file: string): void {
  for (const [index, mount] of ((value.mounts ?? []) as unknown[]).entries()) {
    const jsonPath = `mounts[${index}]`;
    if (typeof mount !== 'string' && (mount === null || typeof mount !== 'object' || Array.isArray(mount))) {
      throw new ConfigurationError(`Invalid "${jsonPath}" of Feature ${String(value.id)} in ${file}: expected a --mount string or an object with type, source and target.`, {
        file,
        jsonPath,
      });
    }
    try {
      toEngineMount(mount as MountSpec, { file, jsonPath });
    } catch (error) {
      if (error instanceof ConfigurationError) error.message = `Feature ${String(value.id)}: ${error.message}`;
      throw error;
    }
  }
}
