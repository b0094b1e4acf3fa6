import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import type { Logger } from '../log';
import type { DevContainerConfig } from '../config/types';
import type { PlannedFeature } from './dockerfile';
import { FeatureFetcher } from './fetch';
import { buildLockfile, type LockfileMode, readLockfile, saveLockfile } from './lockfile';
import { featureManifestName } from './manifestFile';
import { typeOptionValues } from './options';
import { computeInstallOrder } from './order';
import { resolveFeatureGraph } from './resolve';

export interface PlanFeaturesOptions {
  config: DevContainerConfig;
  configFile: string;
  logger: Logger;
  /** Default `update`: read devcontainer-lock.json and write it when it changed. */
  lockfileMode?: LockfileMode;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** A fetcher to reuse; one is made from the other options when omitted. */
  fetcher?: FeatureFetcher;
}

/**
 * Works out which Features a configuration installs and in which order:
 * fetches them and their dependencies, orders them, types their options, and
 * records OCI and tarball Features in the lockfile. Returns [] when the
 * configuration lists no Features.
 */
export async function planFeatures(options: PlanFeaturesOptions): Promise<PlannedFeature[]> {
  const { config, configFile } = options;
  const features = checkFeaturesProperty(config, configFile);
  if (Object.keys(features).length === 0) return [];

  const mode = options.lockfileMode ?? 'update';
  const lockfile = mode === 'off' ? undefined : await readLockfile(configFile);
  const fetcher =
    options.fetcher ?? new FeatureFetcher({ logger: options.logger, env: options.env, signal: options.signal, lockfile });
  const nodes = await resolveFeatureGraph({
    features,
    overrideFeatureInstallOrder: checkOverrideOrder(config, configFile),
    configFile,
    fetcher,
    logger: options.logger,
  });
  const ordered = computeInstallOrder(nodes, configFile);
  options.logger.child('features').info(`Feature install order: ${ordered.map((node) => node.userId).join(', ')}`);

  const planned: PlannedFeature[] = [];
  for (const node of ordered) {
    await assertInstallScript(node.folder, node.userId);
    planned.push({
      node,
      options: typeOptionValues(node.manifest, node.options, {
        userId: node.userId,
        configFile,
        manifestFile: path.join(node.folder, featureManifestName),
        logger: options.logger,
      }),
    });
  }
  await saveLockfile(configFile, buildLockfile(ordered), mode);
  return planned;
}

function checkFeaturesProperty(config: DevContainerConfig, configFile: string): Record<string, unknown> {
  const features = config.features;
  if (features === undefined) return {};
  if (features === null || typeof features !== 'object' || Array.isArray(features)) {
    throw new ConfigurationError(`Invalid "features" in ${configFile}: expected an object of Feature references.`, {
      file: configFile,
      jsonPath: 'features',
    });
  }
  return features;
}

function checkOverrideOrder(config: DevContainerConfig, configFile: string): string[] | undefined {
  const order = config.overrideFeatureInstallOrder;
  if (order === undefined) return undefined;
  if (!Array.isArray(order) || order.some((item) => typeof item !== 'string')) {
    throw new ConfigurationError(`Invalid "overrideFeatureInstallOrder" in ${configFile}: expected an array of Feature ids.`, {
      file: configFile,
      jsonPath: 'overrideFeatureInstallOrder',
    });
  }
  return order as string[];
}

async function assertInstallScript(folder: string, userId: string): Promise<void> {
  const file = path.join(folder, 'install.sh');
  try {
    if ((await fs.stat(file)).isFile()) return;
  } catch {
    // Reported below.
  }
  throw new ConfigurationError(`Feature ${userId} has no install.sh (looked for ${file}). Every Feature needs one.`, { file: folder });
}
