import { ConfigurationError } from '../errors';

/**
 * Docker's reference grammar: optional registry host (with port), path
 * components of lower-case letters and digits joined by `.`, `_`, `__` or
 * dashes, then an optional `:tag` and `@digest`.
 */
const referencePattern =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

export interface ImageReference {
  /** Everything before the tag, registry host included. */
  repository: string;
  tag: string;
}

/**
 * Checks an image reference against Docker's grammar before it reaches an
 * Engine API path, and splits off its tag (`latest` when none is given).
 */
export function parseImageReference(name: string, source: string): ImageReference {
  if (name.length > 255 + 128 || !referencePattern.test(name)) {
    throw new ConfigurationError(
      `Invalid image name "${name}" in ${source}: use lower-case letters, digits, '.', '_' and '-', ` +
        'with an optional registry host, :tag or @digest, for example "debian:bookworm".',
      { file: source },
    );
  }
  const digest = name.indexOf('@');
  const withoutDigest = digest >= 0 ? name.slice(0, digest) : name;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) {
    return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  }
  return { repository: withoutDigest, tag: 'latest' };
}

/** True when `name` is a valid image reference. */
export function isImageReference(name: string): boolean {
  return referencePattern.test(name);
}
