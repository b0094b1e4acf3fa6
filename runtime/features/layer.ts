import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Engine } from '../engine/client';
import { packBuildContext } from '../engine/buildContext';
import { buildImage, type ImageDetails } from '../engine/images';
import { metadataLabel, type MetadataEntry } from '../config/metadata';
import {
  builtinEnvFile,
  featureBanner,
  featureEnvFile,
  featureFolderName,
  featureLayerDockerfile,
  featuresFolder,
  type PlannedFeature,
} from './dockerfile';
import installFeatureScript from './install-feature.sh';
import { featureMetadataEntry } from './metadata';

export interface BuildFeatureLayerOptions {
  engine: Engine;
  base: { name: string; details: ImageDetails };
  /** Metadata of the base image, which the Feature entries follow in the label. */
  baseMetadata: MetadataEntry[];
  features: PlannedFeature[];
  remoteUser: string;
  containerUser: string;
  /** Tag of the image with the Features. */
  tag: string;
  /** Replaces `${devcontainerId}` in Feature mounts. */
  devcontainerId: string;
  noCache?: boolean;
  signal?: AbortSignal;
}

export interface FeatureLayerImage {
  name: string;
  details: ImageDetails;
  /** Base image metadata followed by one entry per Feature, in install order. */
  metadata: MetadataEntry[];
}

/**
 * Builds the image with the Features on top of a base image through the
 * Engine API. The build context is a temporary folder with one subfolder per
 * Feature (its files, its option env file and a banner), removed afterwards.
 */
export async function buildFeatureLayer(options: BuildFeatureLayerOptions): Promise<FeatureLayerImage> {
  const layer = {
    baseImage: options.base.details.id,
    baseUser: options.base.details.user,
    remoteUser: options.remoteUser,
    containerUser: options.containerUser,
    features: options.features,
  };
  const dockerfileText = featureLayerDockerfile(layer);
  const metadata = [
    ...options.baseMetadata,
    ...options.features.map((feature) => featureMetadataEntry(feature.node, options.devcontainerId)),
  ];

  const contextFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'devcontainer-features-'));
  try {
    await fs.mkdir(path.join(contextFolder, featuresFolder));
    await fs.writeFile(path.join(contextFolder, featuresFolder, 'builtin.env'), builtinEnvFile(layer));
    await fs.writeFile(path.join(contextFolder, featuresFolder, 'install-feature.sh'), installFeatureScript, { mode: 0o755 });
    for (const [index, feature] of options.features.entries()) {
      const target = path.join(contextFolder, featureFolderName(index));
      await fs.cp(feature.node.folder, target, { recursive: true, filter: (source) => path.basename(source) !== '.complete' });
      await fs.writeFile(path.join(target, 'devcontainer-features.env'), featureEnvFile(feature));
      await fs.writeFile(path.join(target, 'feature-banner.txt'), featureBanner(feature));
    }

    const details = await buildImage(options.engine, {
      context: await packBuildContext({ contextFolder, dockerfileText, dockerfileName: 'Dockerfile' }),
      dockerfile: 'Dockerfile',
      tag: options.tag,
      noCache: options.noCache,
      labels: { [metadataLabel]: JSON.stringify(metadata) },
      signal: options.signal,
    });
    return { name: options.tag, details, metadata };
  } finally {
    await fs.rm(contextFolder, { recursive: true, force: true });
  }
}
