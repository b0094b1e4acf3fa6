import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import { parseJsoncObject } from '../config/jsonc';
import type { MetadataEntry } from '../config/metadata';

/** A Feature read from a folder, with the option values the config chose. */
export interface ResolvedFeature {
  /** The key as written in devcontainer.json, e.g. `./local-marker`. */
  reference: string;
  id: string;
  folder: string;
  /** Environment for install.sh, with option names upper-cased as the Features spec defines. */
  optionEnv: Record<string, string>;
  /** Properties of devcontainer-feature.json that go into image metadata. */
  metadata: MetadataEntry;
  containerEnv: Record<string, string>;
}

interface FeatureOption {
  type?: string;
  default?: unknown;
}

/**
 * Reads the Features a configuration lists. Local Features (a path starting
 * with `./` or `../`, relative to the folder of devcontainer.json) are read
 * from disk.
 *
 * NOTE: Features published to an OCI registry or as a tarball URL are not
 * fetched yet; they raise a ConfigurationError that names the Feature.
 */
export async function resolveFeatures(
  features: Record<string, unknown> | undefined,
  configFile: string,
): Promise<ResolvedFeature[]> {
  if (!features || Object.keys(features).length === 0) {
    return [];
  }
  const resolved: ResolvedFeature[] = [];
  for (const [reference, value] of Object.entries(features)) {
    if (!reference.startsWith('./') && !reference.startsWith('../')) {
      throw new ConfigurationError(
        `Feature "${reference}" in ${configFile} cannot be installed: only local Features ` +
          '(a folder path starting with ./ next to devcontainer.json) are supported so far. ' +
          'Copy the Feature into .devcontainer and refer to it by path.',
        { file: configFile, jsonPath: `features.${reference}` },
      );
    }
    resolved.push(await readLocalFeature(reference, value, configFile));
  }
  return resolved;
}

async function readLocalFeature(reference: string, value: unknown, configFile: string): Promise<ResolvedFeature> {
  const folder = path.resolve(path.dirname(configFile), reference);
  const manifestFile = path.join(folder, 'devcontainer-feature.json');
  let text: string;
  try {
    text = await fs.readFile(manifestFile, 'utf8');
  } catch {
    throw new ConfigurationError(
      `Feature "${reference}" in ${configFile}: ${manifestFile} not found. ` +
        'A local Feature folder needs devcontainer-feature.json and install.sh.',
      { file: configFile, jsonPath: `features.${reference}` },
    );
  }
  const manifest = parseJsoncObject(text, manifestFile);
  const id = typeof manifest.id === 'string' ? manifest.id : path.basename(folder);

  const options = (manifest.options ?? {}) as Record<string, FeatureOption>;
  const chosen = normaliseOptionValues(value);
  const optionEnv: Record<string, string> = {};
  for (const [name, option] of Object.entries(options)) {
    const selected = chosen[name] ?? option.default;
    if (selected !== undefined) {
      optionEnv[optionEnvName(name)] = String(selected);
    }
  }
  for (const [name, selected] of Object.entries(chosen)) {
    if (!(name in options)) {
      optionEnv[optionEnvName(name)] = String(selected);
    }
  }

  const containerEnv = (manifest.containerEnv ?? {}) as Record<string, string>;
  const metadata: MetadataEntry = { id };
  for (const key of ['init', 'privileged', 'capAdd', 'securityOpt', 'mounts', 'customizations',
    'onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand', 'postAttachCommand'] as const) {
    if (manifest[key] !== undefined) {
      (metadata as Record<string, unknown>)[key] = manifest[key];
    }
  }
  return { reference, id, folder, optionEnv, metadata, containerEnv };
}

/** The spec allows `true`, a version string, or an object of option values. */
function normaliseOptionValues(value: unknown): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  if (typeof value === 'string') {
    return { version: value };
  }
  return {};
}

/** Option `myOption-1` becomes `MYOPTION_1`, the name install.sh reads. */
export function optionEnvName(name: string): string {
  return name.replace(/[^\w_]/g, '_').replace(/^[\d_]+/, '').toUpperCase();
}
