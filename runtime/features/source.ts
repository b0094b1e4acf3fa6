import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import { InvalidReferenceError, parseOciReference, registryScheme } from '../oci/reference';
import { gitHubReleaseUrls, mapLegacyFeatureId, parseGitHubReleaseId } from './legacyIds';
import type { FeatureSource } from './types';

export interface SourceContext {
  /** devcontainer.json, for error locations and to resolve `./` paths against its folder. */
  configFile: string;
  /** JSON path of the value, for error locations, e.g. `features../x`. */
  jsonPath: string;
  /**
   * The file and property that contain the id when that is not
   * devcontainer.json, such as a Feature's `dependsOn` or `installsAfter`.
   * Errors then name this file and Feature.
   */
  declaredIn?: { file: string; description: string };
}

/**
 * Works out where a Feature comes from: a local folder (`./name` or
 * `../name`, relative to the folder of devcontainer.json), a tarball URL
 * (`https://…`, or `http://` on loopback only), or an OCI reference
 * (`registry/namespace/id` with an optional tag or digest). The deprecated
 * forms map to those: a bare id of the old built-in set to its OCI
 * reference, and `owner/repo/feature[@version]` to a GitHub release URL.
 */
export function parseFeatureSource(userId: string, context: SourceContext): FeatureSource {
  const location = { file: context.declaredIn?.file ?? context.configFile, jsonPath: context.jsonPath };
  const where = context.declaredIn?.description ?? context.configFile;
  if (userId.startsWith('./') || userId.startsWith('../')) {
    return { kind: 'local', folder: path.resolve(path.dirname(context.configFile), userId) };
  }
  if (path.isAbsolute(userId)) {
    throw new ConfigurationError(
      `Feature "${userId}" in ${where} is an absolute path. Refer to local Features by a path relative to the folder of devcontainer.json, starting with ./`,
      location,
    );
  }
  if (/^https?:\/\//i.test(userId)) {
    return { kind: 'tarball', url: checkTarballUrl(userId, context) };
  }
  const legacy = mapLegacyFeatureId(userId);
  if (legacy?.kind === 'mapped') {
    return { kind: 'oci', reference: parseOciReference(legacy.reference), mappedFrom: 'legacyId' };
  }
  if (legacy?.kind === 'merged') {
    throw new ConfigurationError(
      `Feature "${userId}" in ${where} is a deprecated built-in id whose Feature is now an option of ${legacy.reference}. ` +
        `Replace it with "${legacy.reference}" and set that Feature's options (https://github.com/devcontainers/features/tree/main/src/${legacy.into}#options).`,
      location,
    );
  }
  const release = parseGitHubReleaseId(userId);
  if (release) {
    const [url, ...alternateUrls] = gitHubReleaseUrls(release);
    return { kind: 'tarball', url, alternateUrls, mappedFrom: 'githubRelease' };
  }
  try {
    return { kind: 'oci', reference: parseOciReference(userId) };
  } catch (error) {
    const hint =
      userId.split('/').length < 3
        ? ' Bare ids other than the deprecated built-in ones (such as "node" or "golang") are not Feature ids: use an OCI reference such as ghcr.io/devcontainers/features/go:1.'
        : '';
    throw new ConfigurationError(
      `Feature "${userId}" in ${where} is not a valid reference: ${(error as InvalidReferenceError).message}${hint}`,
      location,
      { cause: error },
    );
  }
}

function checkTarballUrl(text: string, context: SourceContext): string {
  const url = new URL(text);
  if (url.protocol === 'http:' && registryScheme(url.host) !== 'http') {
    throw new ConfigurationError(
      `Feature "${text}" in ${context.declaredIn?.description ?? context.configFile} is fetched over plain HTTP from a host that is not loopback. Use an https:// URL.`,
      { file: context.declaredIn?.file ?? context.configFile, jsonPath: context.jsonPath },
    );
  }
  return url.toString();
}

/**
 * Returns the identity a Feature has without its version, which is what
 * installsAfter and overrideFeatureInstallOrder entries match: the folder,
 * the URL, or `registry/namespace/id`.
 */
export function sourceKey(source: FeatureSource): string {
  switch (source.kind) {
    case 'local':
      return source.folder;
    case 'tarball':
      return source.url;
    case 'oci':
      return source.reference.resource;
  }
}

/** Describes a source for messages: the folder, the URL or the OCI reference. */
export function describeSource(source: FeatureSource): string {
  switch (source.kind) {
    case 'local':
      return source.folder;
    case 'tarball':
      return source.url;
    case 'oci':
      return `${source.reference.resource}${source.reference.digest ? `@${source.reference.digest}` : `:${source.reference.tag}`}`;
  }
}
