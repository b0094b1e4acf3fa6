import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as semver from 'semver';
import { CancelledError, ConfigurationError, EnvironmentError } from '../errors';
import type { Logger } from '../log';
import { type FetchedManifest, RegistryClient } from '../oci/client';
import { sha256Digest } from '../oci/manifest';
import { formatOciReference, type OciReference, registryBaseUrl, withDigest, withTag } from '../oci/reference';
import { extractFeatureArchive } from './extract';
import type { Lockfile } from './lockfile';
import { readFeatureManifest } from './manifestFile';
import type { FeatureRequest, FeatureSource, FetchedFeature } from './types';

export interface FeatureFetcherOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Entries pin OCI Features to a digest and check tarball digests; omitted with --no-lockfile. */
  lockfile?: Lockfile;
  /** Folder that fetched Features are unpacked into, one subfolder per content digest. */
  cacheFolder?: string;
  /** The client to use; one is made from the logger and env when omitted. */
  registry?: RegistryClient;
}

/** Fetches Features from folders, tarball URLs and OCI registries, unpacking each once into a cache. */
export class FeatureFetcher {
  readonly registry: RegistryClient;
  private readonly cacheFolder: string;
  private readonly logger: Logger;

  constructor(private readonly options: FeatureFetcherOptions) {
    this.logger = options.logger.child('features');
    this.registry = options.registry ?? new RegistryClient({ logger: options.logger, env: options.env });
    const env = options.env ?? process.env;
    this.cacheFolder =
      options.cacheFolder ?? path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'open-devcontainers', 'features');
  }

  async fetch(request: FeatureRequest): Promise<FetchedFeature> {
    const source = request.source;
    if (source.kind !== 'local' && source.mappedFrom) {
      this.logger.warn(`Feature "${request.userId}" uses a deprecated id form. Fetching it from ${describeMappedSource(source)}.`);
      try {
        return await this.fetchRemote(request.userId, source);
      } catch (error) {
        if (!(error instanceof EnvironmentError)) throw error;
        throw mappedSourceFailure(request.userId, source, error);
      }
    }
    if (source.kind === 'local') {
      return { manifest: await readFeatureManifest(source.folder, request.userId), folder: source.folder };
    }
    return this.fetchRemote(request.userId, source);
  }

  private fetchRemote(userId: string, source: Exclude<FeatureSource, { kind: 'local' }>): Promise<FetchedFeature> {
    return source.kind === 'tarball' ? this.fetchTarball(userId, tarballUrls(source)) : this.fetchOci(userId, source.reference);
  }

  /** Fetches the manifest a reference names. A missing major or minor tag falls back to the newest matching version tag. */
  async resolveManifest(reference: OciReference): Promise<{ reference: OciReference; fetched: FetchedManifest }> {
    const direct = await this.registry.fetchManifest(reference, this.options.signal);
    if (direct) return { reference, fetched: direct };

    const tag = reference.tag;
    if (tag && /^\d+(\.\d+)?$/.test(tag)) {
      const tags = await this.registry.listTags(reference, this.options.signal);
      const best = semver.maxSatisfying(tags.filter((item) => semver.valid(item)), `${tag}.x`);
      if (best) {
        this.logger.info(`${formatOciReference(reference)} has no tag ${tag}; using the newest matching version ${best}.`);
        const fallback = withTag(reference, best);
        const found = await this.registry.fetchManifest(fallback, this.options.signal);
        if (found) return { reference: fallback, fetched: found };
      }
    }
    throw new EnvironmentError(
      `Feature ${formatOciReference(reference)} was not found at registry ${reference.registry} (HTTP 404). ` +
        'Check the name and the version tag; `features info tags` lists the published versions.',
      { objectId: formatOciReference(reference), status: 404 },
    );
  }

  private async fetchOci(userId: string, reference: OciReference): Promise<FetchedFeature> {
    const locked = this.options.lockfile?.features[userId];
    const lockedDigest = locked ? lockedManifestDigest(locked.resolved, reference) : undefined;
    const target = lockedDigest ? withDigest(reference, lockedDigest) : reference;
    if (lockedDigest) this.logger.debug(`${userId} is pinned by the lockfile to ${lockedDigest}`);

    const { fetched } = await this.resolveManifest(target);
    if (locked?.integrity && locked.integrity !== fetched.digest) {
      throw lockMismatch(userId, locked.integrity, fetched.digest);
    }
    const layer = fetched.manifest.layers[0];
    const folder = await this.unpackOnce(layer.digest, formatOciReference(target), () =>
      this.registry.fetchBlob(reference, layer.digest, this.options.signal),
    );
    return {
      manifest: await readFeatureManifest(folder, userId),
      folder,
      digest: fetched.digest,
      resolved: `${reference.resource}@${fetched.digest}`,
    };
  }

  /** Downloads the first of the URLs that exists: a 404 moves on to the next, any other failure stops. */
  private async fetchTarball(userId: string, urls: string[]): Promise<FetchedFeature> {
    let url = urls[0];
    let data: Buffer | undefined;
    for (const [index, candidate] of urls.entries()) {
      url = candidate;
      try {
        data = await this.download(candidate);
        break;
      } catch (error) {
        const isLast = index === urls.length - 1;
        if (isLast || !(error instanceof EnvironmentError) || error.details.status !== 404) throw error;
        this.logger.debug(`${candidate} returned HTTP 404; trying ${urls[index + 1]}`);
      }
    }
    if (!data) throw new Error(`fetchTarball was called with no URL for Feature ${userId}`);

    const digest = sha256Digest(data);
    const locked = this.options.lockfile?.features[userId];
    if (locked?.integrity && locked.integrity !== digest) {
      throw lockMismatch(userId, locked.integrity, digest);
    }
    const folder = await this.unpackOnce(digest, url, async () => data);
    return { manifest: await readFeatureManifest(folder, userId), folder, digest, resolved: url };
  }

  private async download(url: string): Promise<Buffer> {
    this.logger.debug(`GET ${new URL(url).origin}${new URL(url).pathname}`);
    let response: Response;
    try {
      response = await fetch(url, { signal: this.options.signal, headers: { 'user-agent': 'devcontainer-open' } });
    } catch (error) {
      if (this.options.signal?.aborted) throw new CancelledError();
      const reason = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new EnvironmentError(`Downloading Feature ${url} failed: ${reason}. Check the URL and the network.`, { objectId: url }, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new EnvironmentError(
        `Downloading Feature ${url} failed with HTTP ${response.status} ${response.statusText}. Check the URL.`,
        { objectId: url, status: response.status },
      );
    }
    return Buffer.from(await response.arrayBuffer());
  }

  /** Unpacks an archive into `cache/<digest hex>` unless a complete copy is already there. */
  private async unpackOnce(digest: string, label: string, load: () => Promise<Buffer>): Promise<string> {
    const folder = path.join(this.cacheFolder, digest.replace(/^sha256:/, ''));
    if (await exists(path.join(folder, '.complete'))) return folder;

    const data = await load();
    await fs.mkdir(this.cacheFolder, { recursive: true });
    const temporary = await fs.mkdtemp(path.join(this.cacheFolder, '.unpack-'));
    try {
      await extractFeatureArchive(data, path.join(temporary, 'content'), { label });
      await fs.writeFile(path.join(temporary, 'content', '.complete'), '');
      await fs.rm(folder, { recursive: true, force: true });
      await fs.rename(path.join(temporary, 'content'), folder).catch(async (error: NodeJS.ErrnoException) => {
        // Another process unpacked the same digest first; its copy is as good.
        if (!(await exists(path.join(folder, '.complete')))) throw error;
      });
    } finally {
      await fs.rm(temporary, { recursive: true, force: true });
    }
    return folder;
  }
}

/** Returns the digest of a lockfile `resolved` value when it names the same resource. */
function lockedManifestDigest(resolved: string | undefined, reference: OciReference): string | undefined {
  const at = resolved?.lastIndexOf('@') ?? -1;
  if (!resolved || at < 0) return undefined;
  return resolved.slice(0, at).toLowerCase() === reference.resource ? resolved.slice(at + 1) : undefined;
}

export type MappedSource = Exclude<FeatureSource, { kind: 'local' }>;

function describeMappedSource(source: MappedSource): string {
  return source.kind === 'tarball' ? tarballUrls(source).join(' or ') : formatOciReference(source.reference);
}

function tarballUrls(source: Extract<FeatureSource, { kind: 'tarball' }>): string[] {
  return [source.url, ...(source.alternateUrls ?? [])];
}

/**
 * Wraps the fetch failure of a Feature whose deprecated id was mapped, so the
 * message names the id as written, the URL tried and the replacement to write.
 */
export function mappedSourceFailure(userId: string, source: MappedSource, error: EnvironmentError): EnvironmentError {
  let url: string;
  let advice: string;
  if (source.kind === 'tarball') {
    url = tarballUrls(source).join(', then ');
    advice =
      'The GitHub release form owner/repo/feature@version is deprecated. Check that the release exists with one of those assets and that github.com is reachable, ' +
      'or publish the Feature to an OCI registry and write its reference (registry/namespace/feature:version) in devcontainer.json.';
  } else {
    const reference = source.reference;
    url = `${registryBaseUrl(reference.registry)}/v2/${reference.path}/manifests/${reference.tag ?? 'latest'}`;
    advice =
      `Bare Feature ids are deprecated. Write "${formatOciReference(reference)}" in devcontainer.json instead, ` +
      `and make ${reference.registry} reachable or point the id at a mirror of that Feature.`;
  }
  return new EnvironmentError(
    `Fetching Feature "${userId}" failed. Its deprecated id maps to ${url}, and fetching it failed: ${error.message} ${advice}`,
    { ...error.details, objectId: userId },
    { cause: error },
  );
}

function lockMismatch(userId: string, expected: string, actual: string): ConfigurationError {
  return new ConfigurationError(
    `Feature ${userId} does not match devcontainer-lock.json: the lockfile records ${expected} but the content has ${actual}, so it changed since the lockfile was written. ` +
      `If you trust the new content, delete the "${userId}" entry from devcontainer-lock.json (next to devcontainer.json) and run again without --frozen-lockfile to record the new digest.`,
  );
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
