import type { Readable } from 'node:stream';
import { CancelledError, EnvironmentError, throwIfAborted } from '../errors';
import { type Engine, engineError, engineMessage } from './client';
import type { BuildParameters } from './buildOptions';

export interface ImageDetails {
  id: string;
  /** `Config.User` of the image; empty means root. */
  user: string;
  env: string[];
  labels: Record<string, string>;
}

/** Inspects a local image, or returns undefined when the engine has none. */
export async function inspectImage(engine: Engine, name: string): Promise<ImageDetails | undefined> {
  try {
    engine.logger.debug(`GET /images/${name}/json`);
    const info = await engine.docker.getImage(name).inspect();
    return {
      id: info.Id,
      user: info.Config?.User ?? '',
      env: info.Config?.Env ?? [],
      labels: info.Config?.Labels ?? {},
    };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      return undefined;
    }
    throw engineError(engine, `Inspecting image ${name}`, error, name);
  }
}

/** Returns the image, pulling it first when it is not present locally. */
export async function ensureImage(engine: Engine, name: string, signal?: AbortSignal): Promise<ImageDetails> {
  const local = await inspectImage(engine, name);
  if (local) {
    return local;
  }

  engine.logger.info(`Pulling image ${name}`);
  try {
    const stream = (await engine.docker.pull(name)) as Readable;
    await followProgress(engine, stream, signal);
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    throw new EnvironmentError(
      `Image ${name} is not present locally and pulling it failed: ${engineMessage(error)}. ` +
        'Check the image name, or build or load the image first.',
      { endpoint: engine.endpoint, objectId: name },
      { cause: error },
    );
  }
  const pulled = await inspectImage(engine, name);
  if (!pulled) {
    throw new EnvironmentError(`Image ${name} is still missing after a pull.`, { objectId: name });
  }
  return pulled;
}

export interface BuildOptions {
  /** Tar stream of the build context. */
  context: Readable;
  dockerfile: string;
  tag: string;
  buildArgs?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  cacheFrom?: string[];
  labels?: Record<string, string>;
  /** Further Engine API build parameters, from `build.options`; they win over the fields above. */
  parameters?: BuildParameters;
  signal?: AbortSignal;
}

/**
 * Builds an image with the classic builder, streaming each output line to
 * the log as it arrives. A failed build raises an EnvironmentError with the
 * engine's message and the last lines of output.
 */
export async function buildImage(engine: Engine, options: BuildOptions): Promise<ImageDetails> {
  throwIfAborted(options.signal);
  engine.logger.debug('POST /build');
  let stream: Readable;
  try {
    stream = (await engine.docker.buildImage(options.context as unknown as NodeJS.ReadableStream, {
      t: options.tag,
      dockerfile: options.dockerfile,
      buildargs: options.buildArgs,
      target: options.target,
      nocache: options.noCache,
      cachefrom: options.cacheFrom ? JSON.stringify(options.cacheFrom) : undefined,
      labels: options.labels,
      rm: true,
      forcerm: true,
      ...options.parameters,
      ...(options.parameters?.buildargs ? { buildargs: { ...options.buildArgs, ...options.parameters.buildargs } } : {}),
      ...(options.parameters?.labels ? { labels: { ...options.labels, ...options.parameters.labels } } : {}),
    })) as Readable;
  } catch (error) {
    throw engineError(engine, `Building image ${options.tag}`, error, options.tag);
  }

  const tail = await followProgress(engine, stream, options.signal, options.tag);
  const built = await inspectImage(engine, options.tag);
  if (!built) {
    throw new EnvironmentError(`Build of ${options.tag} finished but the image is missing.`, {
      objectId: options.tag,
      outputTail: tail.join('\n'),
    });
  }
  return built;
}

interface ProgressEvent {
  stream?: string;
  status?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Reads an engine progress stream (build or pull) to its end, logging each
 * line, and resolves with the last lines. An `error` event rejects.
 */
function followProgress(
  engine: Engine,
  stream: Readable,
  signal: AbortSignal | undefined,
  objectId?: string,
): Promise<string[]> {
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
  };

  return new Promise((resolve, reject) => {
    const onAbort = () => {
      stream.destroy();
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    engine.docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          reject(error);
        } else {
          resolve(tail);
        }
      },
      (event: ProgressEvent) => {
        if (event.error) {
          signal?.removeEventListener('abort', onAbort);
          stream.destroy();
          reject(
            new EnvironmentError(
              `Build failed: ${event.errorDetail?.message ?? event.error}`,
              { endpoint: engine.endpoint, objectId, outputTail: tail.join('\n') },
            ),
          );
          return;
        }
        const text = event.stream ?? [event.status, event.progress].filter(Boolean).join(' ');
        for (const line of text.split('\n')) {
          if (line.trim().length > 0) {
            engine.logger.info(line.trimEnd());
            remember(line.trimEnd());
          }
        }
      },
    );
  });
}
