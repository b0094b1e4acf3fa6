import { connectEngine, type Engine, engineError } from './engine/client';
import { buildImage } from './engine/images';
import { packBuildContext } from './engine/buildContext';
import { loadConfig } from './config/load';
import { configMetadata, metadataLabel } from './config/metadata';
import { EnvironmentError } from './errors';
import type { Logger } from './log';
import { imageNameFor, prepareImage } from './up/image';
import { parseImageReference } from './engine/reference';
import { createTempFolder } from './tempFolder';
import type { LockfileMode } from './features/lockfile';
import { findRegistryCredential } from './oci/credentials';
import { prepareComposeImage } from './compose/build';

export interface BuildImageOptions {
  workspaceFolder: string;
  configFile?: string;
  /** `--image-name`, repeatable; the first is the build's tag. */
  imageNames: string[];
  noCache?: boolean;
  /** Push every name to its registry after the build. */
  push?: boolean;
  /** `--label name=value` added to the image. */
  labels?: Record<string, string>;
  /** Use of devcontainer-lock.json for Features; default `update`. */
  lockfileMode?: LockfileMode;
  logger: Logger;
  signal?: AbortSignal;
  engine?: Engine;
}

/**
 * Builds a configuration's image (Dockerfile or image, plus Features) and
 * labels it with the merged `devcontainer.metadata`, so the image carries its
 * settings: a config that names it later needs none of them again.
 */
export async function buildDevContainerImage(options: BuildImageOptions): Promise<{ imageName: string[] }> {
  const loaded = await loadConfig({ workspaceFolder: options.workspaceFolder, configFile: options.configFile });
  for (const name of options.imageNames) {
    parseImageReference(name, '--image-name');
  }
  const engine = options.engine ?? (await connectEngine({ logger: options.logger }));

  const imageOptions = { engine, loaded, noCache: options.noCache, lockfileMode: options.lockfileMode, signal: options.signal };
  const image =
    loaded.config.dockerComposeFile === undefined
      ? await prepareImage(imageOptions)
      : await prepareComposeImage({ ...imageOptions, logger: options.logger });
  const metadata = [...image.metadata, configMetadata(loaded.config, loaded.raw)];
  const names = options.imageNames.length > 0 ? options.imageNames : [imageNameFor(loaded)];

  // A one-line Dockerfile adds the labels as a layer of metadata only.
  const context = await createTempFolder('devcontainer-label-');
  try {
    await buildImage(engine, {
      context: await packBuildContext({
        contextFolder: context.path,
        dockerfileText: `FROM ${image.details.id}\n`,
        dockerfileName: 'Dockerfile',
      }),
      dockerfile: 'Dockerfile',
      tag: names[0],
      labels: { ...(options.labels ?? {}), [metadataLabel]: JSON.stringify(metadata) },
      noCache: options.noCache,
      signal: options.signal,
    });
  } finally {
    await context.remove();
  }

  for (const name of names.slice(1)) {
    const { repository, tag } = parseImageReference(name, '--image-name');
    try {
      await engine.docker.getImage(names[0]).tag({ repo: repository, tag });
    } catch (error) {
      throw engineError(engine, `Tagging ${names[0]} as ${name}`, error);
    }
  }
  if (options.push) {
    for (const name of names) {
      await pushImage(engine, name, options.signal);
    }
  }
  return { imageName: names };
}

async function pushImage(engine: Engine, name: string, signal?: AbortSignal): Promise<void> {
  const { repository, tag } = parseImageReference(name, '--image-name');
  const registry = registryOf(repository);
  const credential = await findRegistryCredential(registry, { logger: engine.logger, signal });
  // The engine takes the credential in the X-Registry-Auth header, never in a log line.
  const authconfig =
    credential?.kind === 'basic'
      ? { username: credential.username, password: credential.password, serveraddress: registry }
      : credential?.kind === 'identityToken'
        ? { identitytoken: credential.token, serveraddress: registry }
        : undefined;

  engine.logger.info(`Pushing ${name}`);
  try {
    const stream = (await engine.docker
      .getImage(`${repository}:${tag}`)
      .push({ tag, authconfig, abortSignal: signal } as object)) as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => {
      engine.docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: { error?: string; status?: string }) => {
          if (event.error) reject(new Error(event.error));
          else if (event.status) engine.logger.debug(event.status);
        },
      );
    });
  } catch (error) {
    throw new EnvironmentError(
      `Pushing ${name} to ${registry} failed: ${(error as Error).message}. ` +
        'Check that the registry is reachable and that your Docker config has credentials for it.',
      { objectId: name },
      { cause: error },
    );
  }
}

/** Returns the registry host of a repository: its first path part when that is a host name, else Docker Hub. */
function registryOf(repository: string): string {
  const first = repository.split('/')[0];
  const isHost = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? first : 'docker.io';
}
