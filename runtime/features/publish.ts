import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as semver from 'semver';
import { ConfigurationError } from '../errors';
import type { Logger } from '../log';
import { RegistryClient } from '../oci/client';
import { buildArtifactManifest, emptyConfig, mediaTypes, metadataAnnotation } from '../oci/manifest';
import { InvalidReferenceError, type OciReference, parseOciReference } from '../oci/reference';
import { collectionFileName, featureArchiveName, packageFeatures } from './package';
import type { FeatureManifest } from './types';

export interface PublishOptions {
  target: string;
  /** Registry host, for example `ghcr.io` or `127.0.0.1:5000`. */
  registry: string;
  /** Collection namespace, for example `owner/repo`. */
  namespace: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface PublishedFeature {
  publishedTags: string[];
  digest: string;
  version: string;
  publishedLegacyIds?: string[];
}

/** The OCI distribution spec's tag grammar. */
const ociTagPattern = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/**
 * Rejects a Feature version that cannot be published: not a semantic
 * version, or not usable as an OCI tag (build metadata such as `1.0.0+build`
 * has a "+", which tags cannot contain). Runs for every Feature before the
 * first push, so a bad version leaves the registry unchanged.
 */
export function checkPublishableVersion(manifest: FeatureManifest, file: string): void {
  const version = manifest.version ?? '';
  if (!semver.valid(version)) {
    throw new ConfigurationError(
      `Version "${version}" of Feature ${manifest.id} in ${file} is not a semantic version (MAJOR.MINOR.PATCH). Fix "version" and publish again.`,
      { file, jsonPath: 'version' },
    );
  }
  if (!ociTagPattern.test(version)) {
    const hint = version.includes('+')
      ? ' Build metadata after "+" cannot be part of an OCI tag; remove it, or use a prerelease such as 1.0.0-build.1.'
      : ' An OCI tag has at most 128 letters, digits, ".", "_" or "-".';
    throw new ConfigurationError(`Version "${version}" of Feature ${manifest.id} in ${file} cannot be an OCI tag.${hint} Nothing was published.`, {
      file,
      jsonPath: 'version',
    });
  }
}

/**
 * Computes the tags to move for a new version, as the distribution spec
 * describes: the full version always, `MAJOR.MINOR`, `MAJOR` and `latest`
 * only when no published version in their range is higher. A prerelease
 * (`2.0.0-beta.1`) gets only its own tag, so users of `:2` or `:latest` never
 * receive it. Returns undefined when the version is published already.
 */
export function semanticTags(version: string, publishedTags: string[]): string[] | undefined {
  if (publishedTags.includes(version)) return undefined;
  const parsed = semver.parse(version);
  if (!parsed) throw new ConfigurationError(`Version "${version}" is not a semantic version (MAJOR.MINOR.PATCH).`);
  if (parsed.prerelease.length > 0) return [version];
  const published = publishedTags.filter((tag) => semver.valid(tag));
  const tags: string[] = [];
  const addIfNewest = (range: string, tag: string) => {
    const newest = semver.maxSatisfying(published, range);
    if (newest === null || semver.gt(version, newest)) tags.push(tag);
  };
  addIfNewest(`${parsed.major}.x.x`, `${parsed.major}`);
  addIfNewest(`${parsed.major}.${parsed.minor}.x`, `${parsed.major}.${parsed.minor}`);
  tags.push(version);
  addIfNewest('x.x.x', 'latest');
  return tags;
}

/**
 * Packages and publishes Features to an OCI registry. Each Feature goes to
 * `registry/namespace/id` (and to each legacy id) with the tags semanticTags
 * picks and its devcontainer-feature.json in the `dev.containers.metadata`
 * annotation. The collection metadata goes to `registry/namespace:latest`.
 * Returns the result per Feature id; a Feature whose version is published
 * already is skipped with a warning and an empty result.
 */
export async function publishFeatures(options: PublishOptions): Promise<Record<string, PublishedFeature | Record<string, never>>> {
  const logger = options.logger.child('publish');
  const client = new RegistryClient({ logger: options.logger, env: options.env });
  const outputFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'features-output-'));
  try {
    const packaged = await packageFeatures({ target: options.target, outputFolder: path.join(outputFolder, 'out'), logger, forceCleanOutputFolder: true });
    for (const { manifest, manifestFile } of packaged.features) checkPublishableVersion(manifest, manifestFile);
    const results: Record<string, PublishedFeature | Record<string, never>> = {};
    for (const { manifest, archive } of packaged.features) {
      const layer = await fs.readFile(archive);
      const published = await publishOne({ client, logger, options, manifest, layer, id: manifest.id });
      if (!published) {
        results[manifest.id] = {};
        continue;
      }
      const legacy: string[] = [];
      for (const legacyId of manifest.legacyIds ?? []) {
        if (await publishOne({ client, logger, options, manifest, layer, id: legacyId })) legacy.push(legacyId);
      }
      results[manifest.id] = { ...published, version: manifest.version as string, ...(legacy.length > 0 ? { publishedLegacyIds: legacy } : {}) };
    }

    const collection = await fs.readFile(packaged.collectionFile);
    await pushArtifact(client, collectionReference(options), ['latest'], {
      layer: collection,
      layerMediaType: mediaTypes.collectionLayer,
      layerTitle: collectionFileName,
      annotations: options.registry === 'ghcr.io' ? { 'com.github.package.type': 'devcontainer_collection' } : undefined,
    }, options.signal);
    logger.info(`Published collection metadata to ${options.registry}/${options.namespace}:latest`);
    return results;
  } finally {
    await fs.rm(outputFolder, { recursive: true, force: true });
  }
}

interface PublishOneOptions {
  client: RegistryClient;
  logger: Logger;
  options: PublishOptions;
  manifest: FeatureManifest;
  layer: Buffer;
  /** The id to publish under: the Feature's id or one of its legacyIds. */
  id: string;
}

async function publishOne(input: PublishOneOptions): Promise<Omit<PublishedFeature, 'version'> | undefined> {
  const { options, manifest } = input;
  const text = `${options.registry}/${options.namespace}/${input.id}`;
  let reference: OciReference;
  try {
    reference = parseOciReference(text);
  } catch (error) {
    throw new ConfigurationError(`Cannot publish Feature ${manifest.id} as ${text}: ${(error as InvalidReferenceError).message}`, undefined, { cause: error });
  }
  const version = manifest.version as string;
  const tags = semanticTags(version, await input.client.listTags(reference, options.signal));
  if (!tags) {
    input.logger.warn(`Version ${version} of ${reference.resource} is published already; skipping it.`);
    return undefined;
  }
  const annotations: Record<string, string> = { [metadataAnnotation]: JSON.stringify(manifest) };
  if (options.registry === 'ghcr.io') annotations['com.github.package.type'] = 'devcontainer_feature';
  const digest = await pushArtifact(input.client, reference, tags, {
    layer: input.layer,
    layerMediaType: mediaTypes.featureLayer,
    layerTitle: featureArchiveName(manifest.id),
    annotations,
  }, options.signal);
  input.logger.info(`Published ${reference.resource} with tags ${tags.join(', ')} (${digest})`);
  return { publishedTags: tags, digest };
}

async function pushArtifact(
  client: RegistryClient,
  reference: OciReference,
  tags: string[],
  artifact: Parameters<typeof buildArtifactManifest>[0],
  signal: AbortSignal | undefined,
): Promise<string> {
  const { bytes, digest, manifest } = buildArtifactManifest(artifact);
  for (const [blob, blobDigest] of [[emptyConfig, manifest.config.digest], [artifact.layer, manifest.layers[0].digest]] as const) {
    if (!(await client.blobExists(reference, blobDigest, signal))) {
      await client.uploadBlob(reference, blob, signal);
    }
  }
  // The exact version goes first: if a later push fails, no moving tag
  // (MAJOR, MAJOR.MINOR, latest) points at a version that has no tag of its own.
  const ordered = [...tags].sort((a, b) => Number(semver.valid(b) !== null) - Number(semver.valid(a) !== null));
  for (const tag of ordered) {
    await client.putManifest(reference, tag, bytes, signal);
  }
  return digest;
}

/** Builds the reference of the collection, `registry/namespace`, which may have fewer than three segments. */
function collectionReference(options: PublishOptions): OciReference {
  const segments = options.namespace.split('/');
  return {
    registry: options.registry,
    namespace: segments.slice(0, -1).join('/'),
    id: segments[segments.length - 1],
    path: options.namespace,
    resource: `${options.registry}/${options.namespace}`,
    tag: 'latest',
  };
}
