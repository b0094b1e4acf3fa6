/**
 * The deprecated Feature id forms that the reference CLI still accepts: bare
 * ids of the Features that were once built into it, and the GitHub release
 * shorthand `owner/repo/feature[@version]`. The tables below are the ones in
 * `@devcontainers/cli` 0.89.
 */

const legacyRegistryNamespace = 'ghcr.io/devcontainers/features';
const legacyMajorVersion = '1';

/** Bare ids that moved to ghcr.io/devcontainers/features under the same name. */
const sameNameIds = new Set([
  'aws-cli',
  'azure-cli',
  'desktop-lite',
  'docker-in-docker',
  'docker-from-docker',
  'dotnet',
  'git',
  'git-lfs',
  'github-cli',
  'java',
  'kubectl-helm-minikube',
  'node',
  'powershell',
  'python',
  'ruby',
  'rust',
  'sshd',
  'terraform',
]);

/** Bare ids that moved under another name. */
const renamedIds = new Map([
  ['golang', 'go'],
  ['common', 'common-utils'],
]);

/** Bare ids that became options of another Feature, so they have no Feature of their own. */
const mergedIds = new Map([
  ['gradle', 'java'],
  ['maven', 'java'],
  ['jupyterlab', 'python'],
]);

export type LegacyIdMapping =
  | { kind: 'mapped'; reference: string }
  | { kind: 'merged'; into: string; reference: string };

/**
 * Maps a bare id of the old built-in set to its OCI reference, for example
 * `golang` to `ghcr.io/devcontainers/features/go:1`. For ids that became an
 * option of another Feature it returns that Feature's reference instead.
 * Returns undefined for every other id.
 */
export function mapLegacyFeatureId(id: string): LegacyIdMapping | undefined {
  const name = sameNameIds.has(id) ? id : renamedIds.get(id);
  if (name) return { kind: 'mapped', reference: `${legacyRegistryNamespace}/${name}:${legacyMajorVersion}` };
  const into = mergedIds.get(id);
  if (into) return { kind: 'merged', into, reference: `${legacyRegistryNamespace}/${into}:${legacyMajorVersion}` };
  return undefined;
}

/** The parts of `owner/repo/feature[@version]`. */
export interface GitHubReleaseId {
  owner: string;
  repo: string;
  feature: string;
  /** Release tag; `latest` when the id names none. */
  version: string;
}

const namePattern = /^[A-Za-z0-9_.-]+$/;
const featurePattern = /^[A-Za-z0-9_-]+$/;

/**
 * Parses the GitHub release shorthand `owner/repo/feature[@version]`.
 * Returns undefined when the text is not of that form, or when its first
 * segment is a registry host (it contains `.` or `:`, or is `localhost`), so
 * `registry/namespace/id` stays an OCI reference.
 */
export function parseGitHubReleaseId(text: string): GitHubReleaseId | undefined {
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const version = at < 0 ? 'latest' : text.slice(at + 1);
  if (version.length === 0 || version.includes('@') || version.startsWith('sha256:')) return undefined;

  const segments = name.split('/');
  if (segments.length !== 3) return undefined;
  const [owner, repo, feature] = segments;
  if (owner.includes('.') || owner === 'localhost') return undefined;
  if (!namePattern.test(owner) || !namePattern.test(repo) || !featurePattern.test(feature)) return undefined;
  if (!/^[A-Za-z0-9_.+-]+$/.test(version)) return undefined;
  return { owner, repo, feature, version };
}

/**
 * Returns the release asset URLs of a GitHub release shorthand, to try in
 * order: `https://github.com/OWNER/REPO/releases/download/VERSION/devcontainer-feature-FEATURE.tgz`,
 * the name `features package` gives the archive, then `…/FEATURE.tgz`, the
 * asset name the reference CLI 0.89 looks for. The latest release is
 * `…/releases/latest/download/…`.
 */
export function gitHubReleaseUrls(id: GitHubReleaseId): string[] {
  const release = id.version === 'latest' ? 'latest/download' : `download/${id.version}`;
  const base = `https://github.com/${id.owner}/${id.repo}/releases/${release}`;
  return [`${base}/devcontainer-feature-${id.feature}.tgz`, `${base}/${id.feature}.tgz`];
}
