import type { LoadedConfig } from '../config/types';
import type { Logger } from '../log';
import { openComposeProject } from './project';
import type { ComposeContext } from './run';
import { detectComposeTool } from './tool';

export interface OpenContextOptions {
  loaded: LoadedConfig;
  /** Engine endpoint the runtime uses, which the compose tool gets as DOCKER_HOST. */
  endpoint: string;
  logger: Logger;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads a compose configuration's files. The compose tool is detected when
 * a command first needs it, and detection is cached for the process.
 */
export async function openComposeContext(options: OpenContextOptions): Promise<ComposeContext> {
  const env = options.env ?? process.env;
  const project = await openComposeProject(options.loaded, env);
  const tool = () => detectComposeTool({ env, logger: options.logger.child('compose'), signal: options.signal });
  return { tool, project, endpoint: options.endpoint, logger: options.logger, signal: options.signal };
}
