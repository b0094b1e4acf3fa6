import { ConfigurationError, EnvironmentError } from '../errors';
import type { Engine } from '../engine/client';
import { ensureImage, type ImageDetails, inspectImage } from '../engine/images';
import { readMetadataLabel } from '../config/metadata';
import { buildFeatureLayer } from '../features/layer';
import type { LockfileMode } from '../features/lockfile';
import { planFeatures } from '../features/plan';
import { featureUsers, imageNameFor, type PreparedImage } from '../up/image';
import { type ComposeContext, runCompose } from './run';
import { builtImageName } from './tool';

export interface ServiceImageOptions {
  context: ComposeContext;
  engine: Engine;
  noCache?: boolean;
  lockfileMode?: LockfileMode;
}

/** The main service's image, with Features installed when the configuration has any. */
export interface ServiceImage extends PreparedImage {
  /** True when `name` is an image the runtime built, which the override file must name. */
  replacesServiceImage: boolean;
}

/**
 * Builds the images of the services to start that have `build`, through the
 * compose tool so that Compose's own paths, arguments and variables apply.
 * Then finds the main service's image and builds the Feature layer on top of
 * it through the Engine API.
 */
export async function prepareServiceImage(options: ServiceImageOptions): Promise<ServiceImage> {
  const { context, engine } = options;
  const { project } = context;
  const loaded = project.loaded;
  const logger = context.logger.child('image');
  const features = await planFeatures({
    config: loaded.config,
    configFile: loaded.configFile,
    logger: context.logger,
    lockfileMode: options.lockfileMode,
    signal: context.signal,
  });

  const started = Date.now();
  const withBuild = project.startServices.filter((name) => project.model.services.get(name)?.build !== undefined);
  if (withBuild.length > 0) {
    await runCompose(context, ['build', ...(options.noCache ? ['--no-cache'] : []), ...withBuild], { showOutput: true });
  }
  const base = await serviceBaseImage(options);
  logger.info(`Image ${base.name} of service ${project.service.name} ready in ${Date.now() - started} ms`);

  const baseMetadata = readMetadataLabel(base.details.labels);
  if (features.length === 0) {
    return { ...base, metadata: baseMetadata, featureEnv: {}, replacesServiceImage: false };
  }

  const featureStarted = Date.now();
  const { containerUser, remoteUser } = featureUsers(loaded.config, baseMetadata, project.service.user ?? (base.details.user || 'root'));
  const image = await buildFeatureLayer({
    engine,
    base,
    baseMetadata,
    features,
    remoteUser,
    containerUser,
    tag: `${imageNameFor(loaded)}-features`,
    devcontainerId: loaded.devcontainerId,
    noCache: options.noCache,
    signal: context.signal,
  });
  logger.info(`Features installed in ${Date.now() - featureStarted} ms`);
  return { ...image, featureEnv: {}, replacesServiceImage: true };
}

async function serviceBaseImage(options: ServiceImageOptions): Promise<{ name: string; details: ImageDetails }> {
  const { context, engine } = options;
  const { project } = context;
  const service = project.service;

  if (service.build !== undefined) {
    const tool = await context.tool();
    const name = service.image ?? builtImageName(tool, project.name, service.name);
    const details = await inspectImage(engine, name);
    if (!details) {
      throw new EnvironmentError(
        `${tool.displayName} build finished, but the image ${name} of service "${service.name}" is missing. ` +
          `Check that ${tool.displayName} ${tool.version} names built images this way, or set "image" on the service.`,
        { endpoint: engine.endpoint, objectId: name },
      );
    }
    return { name, details };
  }
  if (service.image !== undefined) {
    return { name: service.image, details: await ensureImage(engine, service.image, context.signal) };
  }
  throw new ConfigurationError(
    `Service "${service.name}" in ${service.file} has neither "image" nor "build". Add one of them to the service.`,
    { file: service.file, jsonPath: `services.${service.name}` },
  );
}
