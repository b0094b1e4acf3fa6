import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import type { Engine } from '../engine/client';
import { packBuildContext } from '../engine/buildContext';
import { buildImage, ensureImage, type ImageDetails } from '../engine/images';
import { type MetadataEntry, metadataLabel, readMetadataLabel } from '../config/metadata';
import type { LoadedConfig } from '../config/types';
import { resolveFeatures, type ResolvedFeature } from '../features/local';
import { featureEnvFile, featureFolderName, featureLayerDockerfile } from '../features/dockerfile';

export interface PreparedImage {
  /** Name or id the container is created from. */
  name: string;
  details: ImageDetails;
  /** Metadata of the base image and the Features, before devcontainer.json's own entry. */
  metadata: MetadataEntry[];
  /** Environment the Features add to the container. */
  featureEnv: Record<string, string>;
}

export interface PrepareImageOptions {
  engine: Engine;
  loaded: LoadedConfig;
  noCache?: boolean;
  signal?: AbortSignal;
}

/** Builds or pulls the image a configuration names, then installs its Features. */
export async function prepareImage(options: PrepareImageOptions): Promise<PreparedImage> {
  const { engine, loaded } = options;
  const logger = engine.logger.child('image');
  const features = await resolveFeatures(loaded.config.features as Record<string, unknown> | undefined, loaded.configFile);

  const started = Date.now();
  const base = loaded.config.image
    ? { name: loaded.config.image, details: await ensureImage(engine, loaded.config.image, options.signal) }
    : await buildFromDockerfile(options);
  logger.info(`Image ${base.name} ready in ${Date.now() - started} ms`);

  const baseMetadata = readMetadataLabel(base.details.labels);
  if (features.length === 0) {
    return { ...base, metadata: baseMetadata, featureEnv: {} };
  }

  const featureStarted = Date.now();
  const withFeatures = await buildFeatureLayer(options, base, baseMetadata, features);
  logger.info(`Features installed in ${Date.now() - featureStarted} ms`);
  return withFeatures;
}

/** Lower-case `[a-z0-9._-]` form of a folder name, valid in an image reference. */
export function imageNameFor(loaded: LoadedConfig): string {
  const basename = path
    .basename(loaded.workspaceFolder)
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `devcontainer-${basename || 'workspace'}-${loaded.devcontainerId.slice(0, 10)}`;
}

async function buildFromDockerfile(options: PrepareImageOptions): Promise<{ name: string; details: ImageDetails }> {
  const { engine, loaded } = options;
  const config = loaded.config;
  const configFolder = path.dirname(loaded.configFile);
  const dockerfileSetting = config.build?.dockerfile ?? config.dockerFile;
  if (!dockerfileSetting) {
    throw new ConfigurationError(`${loaded.configFile} sets no build.dockerfile.`, {
      file: loaded.configFile,
      jsonPath: 'build.dockerfile',
    });
  }
  const dockerfile = path.resolve(configFolder, dockerfileSetting);
  const contextFolder = path.resolve(configFolder, config.build?.context ?? config.context ?? '.');

  let dockerfileText: string;
  try {
    dockerfileText = await fs.readFile(dockerfile, 'utf8');
  } catch {
    throw new ConfigurationError(
      `Dockerfile not found: ${dockerfile} (from "build.dockerfile" in ${loaded.configFile}, ` +
        'which is relative to the folder of devcontainer.json).',
      { file: loaded.configFile, jsonPath: 'build.dockerfile' },
    );
  }
  await assertFolder(contextFolder, loaded.configFile);

  const tag = imageNameFor(loaded);
  const cacheFrom = config.build?.cacheFrom;
  const details = await buildImage(engine, {
    context: await packBuildContext({
      contextFolder,
      dockerfileText,
      dockerfileName: '.devcontainer-open.Dockerfile',
    }),
    dockerfile: '.devcontainer-open.Dockerfile',
    tag,
    buildArgs: config.build?.args,
    target: config.build?.target,
    noCache: options.noCache,
    cacheFrom: typeof cacheFrom === 'string' ? [cacheFrom] : cacheFrom,
    signal: options.signal,
  });
  return { name: tag, details };
}

async function buildFeatureLayer(
  options: PrepareImageOptions,
  base: { name: string; details: ImageDetails },
  baseMetadata: MetadataEntry[],
  features: ResolvedFeature[],
): Promise<PreparedImage> {
  const { engine, loaded } = options;
  const config = loaded.config;
  const baseMerged = [...baseMetadata].reverse();
  const containerUser =
    config.containerUser ?? baseMerged.find((entry) => entry.containerUser)?.containerUser ?? (base.details.user || 'root');
  const remoteUser = config.remoteUser ?? baseMerged.find((entry) => entry.remoteUser)?.remoteUser ?? containerUser;
  const layer = { baseImage: base.details.id, baseUser: base.details.user, remoteUser, containerUser, features };

  const contextFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'devcontainer-features-'));
  try {
    for (const [index, feature] of features.entries()) {
      const target = path.join(contextFolder, featureFolderName(index));
      await fs.cp(feature.folder, target, { recursive: true });
      await fs.writeFile(path.join(target, 'devcontainer-features.env'), featureEnvFile(feature, layer));
    }
    const metadata = [...baseMetadata, ...features.map((feature) => feature.metadata)];
    const tag = `${imageNameFor(loaded)}-features`;
    const details = await buildImage(engine, {
      context: await packBuildContext({
        contextFolder,
        dockerfileText: featureLayerDockerfile(layer),
        dockerfileName: 'Dockerfile',
      }),
      dockerfile: 'Dockerfile',
      tag,
      noCache: options.noCache,
      labels: { [metadataLabel]: JSON.stringify(metadata) },
      signal: options.signal,
    });
    const featureEnv = Object.assign({}, ...features.map((feature) => feature.containerEnv));
    return { name: tag, details, metadata, featureEnv };
  } finally {
    await fs.rm(contextFolder, { recursive: true, force: true });
  }
}

async function assertFolder(folder: string, configFile: string): Promise<void> {
  try {
    if ((await fs.stat(folder)).isDirectory()) return;
  } catch {
    // Reported below.
  }
  throw new ConfigurationError(
    `Build context folder not found: ${folder} (from "build.context" in ${configFile}).`,
    { file: configFile, jsonPath: 'build.context' },
  );
}
