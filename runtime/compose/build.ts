import type { Engine } from '../engine/client';
import type { LoadedConfig } from '../config/types';
import type { LockfileMode } from '../features/lockfile';
import type { Logger } from '../log';
import type { PreparedImage } from '../up/image';
import { openComposeContext } from './context';
import { prepareServiceImage } from './image';

export interface ComposeBuildOptions {
  engine: Engine;
  loaded: LoadedConfig;
  noCache?: boolean;
  lockfileMode?: LockfileMode;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * Builds the image of a compose configuration's main service for `build`:
 * the compose tool builds the services that have `build`, then the
 * Features go on top of the main service's image.
 */
export async function prepareComposeImage(options: ComposeBuildOptions): Promise<PreparedImage> {
  const { loaded } = options;
  const context = await openComposeContext({ loaded, engine: options.engine, logger: options.logger, signal: options.signal });
  return prepareServiceImage({ context, engine: options.engine, noCache: options.noCache, lockfileMode: options.lockfileMode });
}
