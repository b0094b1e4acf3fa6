import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import type { Engine } from '../engine/client';
import { packBuildContext } from '../engine/buildContext';
import { buildImage, ensureImage, type ImageDetails } from '../engine/images';
import { parseImageReference } from '../engine/reference';
import { parseBuildOptions } from '../engine/buildOptions';
import { type MetadataEntry, readMetadataLabel } from '../config/metadata';
import type { DevContainerConfig, LoadedConfig } from '../config/types';
import type { PlannedFeature } from '../features/dockerfile';
import { buildFeatureLayer } from '../features/layer';
import type { LockfileMode } from '../features/lockfile';
import { planFeatures } from '../features/plan';

export interface PreparedImage {
  /** Name or id the container is created from. */
  name: string;
  details: ImageDetails;
  /** Metadata of the base image and the Features, before devcontainer.json's own entry. */
  metadata: MetadataEntry[];
  /**
   * Environment the Features add to the container. Always empty now: Feature
   * containerEnv is baked into the image as ENV lines, which is what gives
   * `${PATH}` in it Dockerfile semantics.
   */
  featureEnv: Record<string, string>;
  /** The image's ENTRYPOINT and CMD, read only when a metadata entry has a Feature entrypoint to run before them. */
  imageCommand?: { entrypoint: string[]; cmd: string[] };
}

export interface PrepareImageOptions {
  engine: Engine;
  loaded: LoadedConfig;
  noCache?: boolean;
  /** Use of devcontainer-lock.json for Features; `update` when omitted. */
  lockfileMode?: LockfileMode;
  signal?: AbortSignal;
}

/** Builds or pulls the image a configuration names, then installs its Features. */
export async function prepareImage(options: PrepareImageOptions): Promise<PreparedImage> {
  const { engine, loaded } = options;
  const logger = engine.logger.child('image');
  const features = await planFeatures({
    config: loaded.config,
    configFile: loaded.configFile,
    logger: engine.logger,
    lockfileMode: options.lockfileMode,
    signal: options.signal,
  });

  const started = Date.now();
  if (loaded.config.image !== undefined) {
    parseImageReference(loaded.config.image, `"image" in ${loaded.configFile}`);
  }
  const base = loaded.config.image
    ? { name: loaded.config.image, details: await ensureImage(engine, loaded.config.image, options.signal) }
    : await buildFromDockerfile(options);
  logger.info(`Image ${base.name} ready in ${Date.now() - started} ms`);

  const baseMetadata = readMetadataLabel(base.details.labels);
  if (features.length === 0) {
    return { ...base, metadata: baseMetadata, featureEnv: {}, imageCommand: await imageCommandFor(engine, base.details.id, baseMetadata) };
  }

  const featureStarted = Date.now();
  const withFeatures = await installFeatures(options, base, baseMetadata, features);
  logger.info(`Features installed in ${Date.now() - featureStarted} ms`);
  return withFeatures;
}

/**
 * Picks the users Features install for (`_CONTAINER_USER`, `_REMOTE_USER`):
 * devcontainer.json's setting, else the last base-image metadata entry that
 * sets one, else `imageUser`; the remote user falls back to the container user.
 */
export function featureUsers(
  config: DevContainerConfig,
  baseMetadata: MetadataEntry[],
  imageUser: string,
): { containerUser: string; remoteUser: string } {
  const latestFirst = [...baseMetadata].reverse();
  const containerUser = config.containerUser ?? latestFirst.find((entry) => entry.containerUser)?.containerUser ?? imageUser;
  const remoteUser = config.remoteUser ?? latestFirst.find((entry) => entry.remoteUser)?.remoteUser ?? containerUser;
  return { containerUser, remoteUser };
}

/**
 * Derives the image name for a workspace: the folder name reduced to
 * lower-case letters and digits joined by dashes (a valid repository name
 * whatever the folder is called), cut to 60 characters, plus part of the
 * devcontainerId so that two folders of the same name do not share an image.
 */
export function imageNameFor(loaded: LoadedConfig): string {
  const basename = path
    .basename(loaded.workspaceFolder)
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
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
    parameters: parseBuildOptions(config.build?.options ?? [], loaded.configFile),
    signal: options.signal,
  });
  return { name: tag, details };
}

async function installFeatures(
  options: PrepareImageOptions,
  base: { name: string; details: ImageDetails },
  baseMetadata: MetadataEntry[],
  features: PlannedFeature[],
): Promise<PreparedImage> {
  const { engine, loaded } = options;
  const { containerUser, remoteUser } = featureUsers(loaded.config, baseMetadata, base.details.user || 'root');

  const image = await buildFeatureLayer({
    engine,
    base,
    baseMetadata,
    features,
    remoteUser,
    containerUser,
    tag: `${imageNameFor(loaded)}-features`,
    devcontainerId: loaded.devcontainerId,
    noCache: options.noCache,
    signal: options.signal,
  });
  return { ...image, featureEnv: {}, imageCommand: await imageCommandFor(engine, image.details.id, image.metadata) };
}

/** Reads the image's ENTRYPOINT and CMD when a metadata entry has an entrypoint that must run before them. */
async function imageCommandFor(
  engine: Engine,
  imageId: string,
  metadata: MetadataEntry[],
): Promise<PreparedImage['imageCommand']> {
  if (!metadata.some((entry) => entry.entrypoint)) return undefined;
  engine.logger.debug(`GET /images/${imageId.slice(0, 19)}/json`);
  const info = await engine.docker.getImage(imageId).inspect();
  return { entrypoint: toArgv(info.Config?.Entrypoint), cmd: toArgv(info.Config?.Cmd) };
}

function toArgv(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  return typeof value === 'string' ? ['/bin/sh', '-c', value] : value;
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
