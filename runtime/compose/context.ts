import type { LoadedConfig } from '../config/types';
import { type Engine, engineProduct } from '../engine/client';
import { EnvironmentError } from '../errors';
import type { Logger } from '../log';
import { openComposeProject } from './project';
import type { ComposeContext } from './run';
import { type ComposeTool, detectComposeTool } from './tool';

export interface OpenContextOptions {
  loaded: LoadedConfig;
  /** The engine the runtime uses; the compose tool is pointed at the same one. */
  engine: Engine;
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
  const logger = options.logger.child('compose');
  let tool: Promise<ComposeTool> | undefined;
  const findTool = () => {
    tool ??= chooseTool(options.engine, { env, logger, signal: options.signal });
    return tool;
  };
  return { tool: findTool, project, endpoint: options.engine.endpoint, logger: options.logger, signal: options.signal };
}

/**
 * Detects the compose tool for the engine. podman-compose drives the
 * `podman` command-line tool, which reaches only a Podman engine, so pairing
 * it with Docker is rejected before it creates containers the runtime
 * cannot see.
 */
async function chooseTool(engine: Engine, options: { env: NodeJS.ProcessEnv; logger: Logger; signal?: AbortSignal }): Promise<ComposeTool> {
  const product = await engineProduct(engine);
  const tool = await detectComposeTool({ ...options, preferPodman: product === 'podman' });
  if (tool.flavor === 'podman-compose' && product !== 'podman') {
    throw new EnvironmentError(
      `The compose tool is ${tool.displayName}, which works only with a Podman engine, but the engine at ${engine.endpoint} is Docker. ` +
        'Point DOCKER_HOST at a Podman API socket (`podman system service`), or use docker-compose ' +
        '(unset DEVCONTAINER_COMPOSE_TOOL or set it to docker-compose).',
      { endpoint: engine.endpoint },
    );
  }
  return tool;
}
