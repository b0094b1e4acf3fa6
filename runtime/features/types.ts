import type { LifecycleCommand, MountSpec } from '../config/types';
import type { OciReference } from '../oci/reference';

/** One option a Feature declares in devcontainer-feature.json. */
export interface FeatureOptionDeclaration {
  type?: 'boolean' | 'string';
  default?: string | boolean;
  /** The only values a string option accepts. */
  enum?: string[];
  /** Suggested values; any string is accepted. */
  proposals?: string[];
  description?: string;
}

/** The properties of devcontainer-feature.json that the runtime reads. */
export interface FeatureManifest {
  id: string;
  version?: string;
  name?: string;
  description?: string;
  documentationURL?: string;
  options?: Record<string, FeatureOptionDeclaration>;
  containerEnv?: Record<string, string>;
  mounts?: MountSpec[];
  init?: boolean;
  privileged?: boolean;
  capAdd?: string[];
  securityOpt?: string[];
  entrypoint?: string;
  customizations?: Record<string, unknown>;
  /** Features that must be installed first, with the options to install them with. */
  dependsOn?: Record<string, unknown>;
  /** Features that, when they are installed anyway, go first. */
  installsAfter?: string[];
  legacyIds?: string[];
  currentId?: string;
  deprecated?: boolean;
  onCreateCommand?: LifecycleCommand;
  updateContentCommand?: LifecycleCommand;
  postCreateCommand?: LifecycleCommand;
  postStartCommand?: LifecycleCommand;
  postAttachCommand?: LifecycleCommand;
  [property: string]: unknown;
}

/** Source of a Feature. */
export type FeatureSource =
  /** A folder next to devcontainer.json, as an absolute path. */
  | { kind: 'local'; folder: string }
  /**
   * A tarball URL, with URLs to try in turn when it returns 404. `githubRelease`
   * when a deprecated `owner/repo/feature@version` id was mapped to it.
   */
  | { kind: 'tarball'; url: string; alternateUrls?: string[]; mappedFrom?: 'githubRelease' }
  /** An OCI reference; `legacyId` when a deprecated bare id such as `node` was mapped to it. */
  | { kind: 'oci'; reference: OciReference; mappedFrom?: 'legacyId' };

/** Option values as devcontainer.json or a dependsOn entry give them, before typing. */
export type RawOptions = Record<string, unknown>;

/** A Feature named by devcontainer.json or a dependsOn entry, not yet fetched. */
export interface FeatureRequest {
  /** The key as written, for example `ghcr.io/devcontainers/features/go:1` or `./local`. */
  userId: string;
  source: FeatureSource;
  options: RawOptions;
}

/** A Feature whose devcontainer-feature.json and content are on disk. */
export interface FetchedFeature {
  manifest: FeatureManifest;
  /** Folder that contains devcontainer-feature.json and install.sh. */
  folder: string;
  /** Manifest digest (OCI) or tarball digest, `sha256:<hex>`; none for local Features. */
  digest?: string;
  /** Value the lockfile records as `resolved`: `registry/path@digest`, or the tarball URL. */
  resolved?: string;
}

/** A node of the install-order graph: a requested Feature with its content and edges. */
export interface FeatureNode extends FeatureRequest, FetchedFeature {
  /** Hard dependencies: nodes of the same graph, added by the resolver when nothing else asked for them. */
  dependsOn: FeatureNode[];
  /** Soft dependencies that apply only when a matching Feature is installed anyway. */
  installsAfter: FeatureSource[];
  /** From overrideFeatureInstallOrder: `n - index`, 0 when not listed. */
  roundPriority: number;
}
