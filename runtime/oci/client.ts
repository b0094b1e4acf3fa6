import { EnvironmentError } from '../errors';
import { type RegistryRequest, RegistrySession, type RegistrySessionOptions, registryErrorText } from './http';
import { manifestProblem, mediaTypes, type OciManifest, sha256Digest } from './manifest';
import { formatOciReference, type OciReference, registryBaseUrl } from './reference';

export interface FetchedManifest {
  manifest: OciManifest;
  /** `sha256:<hex>` of the manifest bytes, which is what a digest reference pins. */
  digest: string;
  bytes: Buffer;
}

/**
 * A client for the OCI distribution API: manifests, blobs, tag lists and
 * uploads. Each method takes an AbortSignal; every failure is an
 * EnvironmentError naming the reference, the registry and the HTTP status.
 */
export class RegistryClient {
  private readonly session: RegistrySession;

  constructor(options: RegistrySessionOptions) {
    this.session = new RegistrySession(options);
  }

  /** Fetches the manifest a tag or digest names; returns undefined on 404. */
  async fetchManifest(reference: OciReference, signal?: AbortSignal): Promise<FetchedManifest | undefined> {
    const request = this.request(reference, {
      method: 'GET',
      url: `/v2/${reference.path}/manifests/${reference.digest ?? reference.tag ?? 'latest'}`,
      purpose: 'fetching the manifest',
      headers: { accept: mediaTypes.manifest },
      signal,
    });
    const response = await this.session.send(request);
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    const bytes = await this.expectOk(request, response);
    const digest = sha256Digest(bytes);
    if (reference.digest && reference.digest !== digest) {
      throw this.session.failure(request, response.status, `the manifest's digest is ${digest}, not the ${reference.digest} requested`);
    }
    let manifest: unknown;
    try {
      manifest = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw this.session.failure(request, response.status, 'the manifest is not JSON');
    }
    const problem = manifestProblem(manifest);
    if (problem) {
      throw this.session.failure(request, response.status, `the manifest is not a Feature artifact because ${problem}`);
    }
    return { manifest: manifest as OciManifest, digest, bytes };
  }

  /** Fetches a blob and checks that its content matches the digest. */
  async fetchBlob(reference: OciReference, digest: string, signal?: AbortSignal): Promise<Buffer> {
    const request = this.request(reference, {
      method: 'GET',
      url: `/v2/${reference.path}/blobs/${digest}`,
      purpose: `fetching blob ${digest}`,
      signal,
    });
    const bytes = await this.expectOk(request, await this.session.send(request));
    const actual = sha256Digest(bytes);
    if (actual !== digest) {
      throw this.session.failure(request, 200, `the blob's content has digest ${actual}, so it is corrupt or was replaced`);
    }
    return bytes;
  }

  /** Lists the tags of a repository, following `Link` pagination; an unknown repository has none. */
  async listTags(reference: OciReference, signal?: AbortSignal): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = `/v2/${reference.path}/tags/list`;
    while (url) {
      const request = this.request(reference, { method: 'GET', url, purpose: 'listing tags', signal });
      const response = await this.session.send(request);
      if (response.status === 404) {
        await response.body?.cancel();
        return tags;
      }
      const link = response.headers.get('link');
      const body = JSON.parse((await this.expectOk(request, response)).toString('utf8')) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const next = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
      url = next ? new URL(next, registryBaseUrl(reference.registry)).toString() : undefined;
    }
    return tags;
  }

  async blobExists(reference: OciReference, digest: string, signal?: AbortSignal): Promise<boolean> {
    const request = this.request(reference, {
      method: 'HEAD',
      url: `/v2/${reference.path}/blobs/${digest}`,
      purpose: `checking for blob ${digest}`,
      actions: 'pull,push',
      signal,
    });
    const response = await this.session.send(request);
    await response.body?.cancel();
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw this.session.failure(request, response.status, response.statusText || 'unexpected status');
  }

  /** Uploads a blob in one request: a POST opens the upload, a PUT with the digest completes it. */
  async uploadBlob(reference: OciReference, data: Buffer, signal?: AbortSignal): Promise<string> {
    const digest = sha256Digest(data);
    const start = this.request(reference, {
      method: 'POST',
      url: `/v2/${reference.path}/blobs/uploads/`,
      purpose: `starting the upload of blob ${digest}`,
      actions: 'pull,push',
      signal,
    });
    const opened = await this.session.send(start);
    const location = opened.headers.get('location');
    await this.expectOk(start, opened);
    if (!location) {
      throw this.session.failure(start, opened.status, 'the registry response has no upload Location header');
    }
    const target = new URL(location, registryBaseUrl(reference.registry));
    target.searchParams.set('digest', digest);
    const finish = this.request(reference, {
      method: 'PUT',
      url: target.toString(),
      purpose: `uploading blob ${digest}`,
      actions: 'pull,push',
      headers: { 'content-type': 'application/octet-stream' },
      body: data,
      signal,
    });
    await this.expectOk(finish, await this.session.send(finish));
    return digest;
  }

  /** Stores a manifest under a tag. */
  async putManifest(reference: OciReference, tag: string, bytes: Buffer, signal?: AbortSignal): Promise<void> {
    const request = this.request(reference, {
      method: 'PUT',
      url: `/v2/${reference.path}/manifests/${tag}`,
      purpose: `tagging the manifest as ${tag}`,
      actions: 'pull,push',
      headers: { 'content-type': mediaTypes.manifest },
      body: bytes,
      signal,
    });
    await this.expectOk(request, await this.session.send(request));
  }

  private request(
    reference: OciReference,
    fields: Omit<RegistryRequest, 'reference' | 'actions'> & { actions?: RegistryRequest['actions'] },
  ): RegistryRequest {
    return { reference, actions: 'pull', ...fields };
  }

  private async expectOk(request: RegistryRequest, response: Response): Promise<Buffer> {
    if (!response.ok) {
      throw this.session.failure(request, response.status, await registryErrorText(response));
    }
    try {
      return Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw new EnvironmentError(
        `Reading the response of registry ${request.reference.registry} failed while ${request.purpose} for ${formatOciReference(request.reference)}: ${(error as Error).message}.`,
        { endpoint: registryBaseUrl(request.reference.registry), objectId: formatOciReference(request.reference) },
        { cause: error },
      );
    }
  }
}
