/**
 * OCI references as the Features distribution spec uses them:
 * `registry/namespace/id[:tag|@sha256:digest]`, where the registry is always
 * the first path segment and the tag defaults to `latest`.
 */

export interface OciReference {
  /** Host and optional port, for example `ghcr.io` or `127.0.0.1:5000`. */
  registry: string;
  /** Path between the registry and the id, for example `devcontainers/features`. */
  namespace: string;
  /** Last path segment: the Feature id. */
  id: string;
  /** Repository path inside the registry: `namespace/id`. */
  path: string;
  /** `registry/namespace/id`, the reference without a tag or digest. */
  resource: string;
  tag?: string;
  /** `sha256:<hex>` when the reference pins a digest. */
  digest?: string;
}

const pathPattern = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const tagPattern = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const digestPattern = /^sha256:[a-f0-9]{64}$/;

/** Thrown by parseOciReference; callers turn it into a ConfigurationError at the right place. */
export class InvalidReferenceError extends Error {
  override readonly name = 'InvalidReferenceError';
}

/** Parses `registry/namespace/id[:tag|@digest]`; raises InvalidReferenceError naming the part that is wrong. */
export function parseOciReference(input: string): OciReference {
  const text = input.trim().toLowerCase();
  if (text.startsWith('.') || text.startsWith('/')) {
    throw new InvalidReferenceError(`"${input}" is a path, not an OCI reference.`);
  }

  let resource: string;
  let tag: string | undefined;
  let digest: string | undefined;
  const at = text.lastIndexOf('@');
  const colon = text.lastIndexOf(':');
  if (at >= 0) {
    resource = text.slice(0, at);
    digest = text.slice(at + 1);
    if (!digestPattern.test(digest)) {
      throw new InvalidReferenceError(`"${input}" has an invalid digest "${digest}": expected sha256: and 64 hex digits.`);
    }
  } else if (colon > text.lastIndexOf('/')) {
    resource = text.slice(0, colon);
    tag = text.slice(colon + 1);
  } else {
    resource = text;
    tag = 'latest';
  }
  if (tag !== undefined && !tagPattern.test(tag)) {
    throw new InvalidReferenceError(`"${input}" has an invalid tag "${tag}".`);
  }

  const segments = resource.split('/');
  if (segments.length < 3 || segments.some((segment) => segment.length === 0)) {
    throw new InvalidReferenceError(
      `"${input}" is not of the form registry/namespace/id (for example ghcr.io/devcontainers/features/go:1).`,
    );
  }
  const [registry, ...rest] = segments;
  const path = rest.join('/');
  if (!pathPattern.test(path)) {
    throw new InvalidReferenceError(`"${input}" has an invalid repository path "${path}".`);
  }
  const id = rest[rest.length - 1];
  return { registry, namespace: rest.slice(0, -1).join('/'), id, path, resource, tag, digest };
}

/** Formats a reference back to text: the resource with its digest or tag. */
export function formatOciReference(reference: OciReference): string {
  if (reference.digest) return `${reference.resource}@${reference.digest}`;
  return `${reference.resource}:${reference.tag ?? 'latest'}`;
}

/** Returns a copy of the reference pinned to a manifest digest. */
export function withDigest(reference: OciReference, digest: string): OciReference {
  return { ...reference, tag: undefined, digest };
}

/** Returns a copy of the reference that names another tag. */
export function withTag(reference: OciReference, tag: string): OciReference {
  return { ...reference, tag, digest: undefined };
}

/**
 * Loopback registries are reached over plain HTTP, as Docker does for them;
 * every other registry over HTTPS.
 */
export function registryScheme(registry: string): 'http' | 'https' {
  const host = hostOf(registry);
  if (host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)) {
    return 'http';
  }
  return 'https';
}

/** Returns the base URL of a registry's API, for example `http://127.0.0.1:5000`. */
export function registryBaseUrl(registry: string): string {
  return `${registryScheme(registry)}://${registry}`;
}

function hostOf(registry: string): string {
  if (registry.startsWith('[')) {
    return registry.slice(1, registry.indexOf(']'));
  }
  return registry.split(':')[0];
}
