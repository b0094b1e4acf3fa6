import { createHash } from 'node:crypto';

/** Media types of the Features distribution spec. */
export const mediaTypes = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  /** Config blob of every Feature and collection artifact. */
  config: 'application/vnd.devcontainers',
  featureLayer: 'application/vnd.devcontainers.layer.v1+tar',
  collectionLayer: 'application/vnd.devcontainers.collection.layer.v1+json',
} as const;

/** Annotation on a Feature's manifest that contains its devcontainer-feature.json. */
export const metadataAnnotation = 'dev.containers.metadata';

/** The config blob of Feature artifacts is the two bytes `{}`. */
export const emptyConfig = Buffer.from('{}');

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  annotations?: Record<string, string>;
}

/** Returns `sha256:<hex>` of some bytes, the digest form OCI uses. */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface ArtifactManifestOptions {
  /** The single layer: a Feature tarball or devcontainer-collection.json. */
  layer: Buffer;
  layerMediaType: string;
  /** `org.opencontainers.image.title` of the layer, its file name. */
  layerTitle: string;
  annotations?: Record<string, string>;
}

/** Builds the manifest of a Feature or collection artifact, and its bytes and digest. */
export function buildArtifactManifest(options: ArtifactManifestOptions): { manifest: OciManifest; bytes: Buffer; digest: string } {
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.manifest,
    config: { mediaType: mediaTypes.config, digest: sha256Digest(emptyConfig), size: emptyConfig.length },
    layers: [
      {
        mediaType: options.layerMediaType,
        digest: sha256Digest(options.layer),
        size: options.layer.length,
        annotations: { 'org.opencontainers.image.title': options.layerTitle },
      },
    ],
  };
  if (options.annotations && Object.keys(options.annotations).length > 0) {
    manifest.annotations = options.annotations;
  }
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { manifest, bytes, digest: sha256Digest(bytes) };
}

/** Checks the parts of a manifest the runtime reads; returns a reason when it is unusable. */
export function manifestProblem(value: unknown): string | undefined {
  const manifest = value as Partial<OciManifest> | null;
  if (!manifest || typeof manifest !== 'object') return 'it is not a JSON object';
  if (manifest.schemaVersion !== 2) return `its schemaVersion is ${String(manifest.schemaVersion)}, expected 2`;
  if (!Array.isArray(manifest.layers) || manifest.layers.length === 0) return 'it has no layers';
  const layer = manifest.layers[0];
  if (typeof layer?.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(layer.digest)) {
    return 'its first layer has no sha256 digest';
  }
  return undefined;
}
