import Dockerode from 'dockerode';
import { EnvironmentError, messageOf } from '../errors';
import type { Logger } from '../log';
import { type EngineEndpoint, resolveEngineEndpoint } from './endpoint';

/** A connected Engine API client and the endpoint it talks to. */
export interface Engine {
  readonly docker: Dockerode;
  /** The endpoint in URL form, for messages, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  readonly logger: Logger;
}

export interface ConnectOptions {
  logger: Logger;
  /** Overrides DOCKER_HOST; same syntax (`unix://`, `tcp://`, `ssh://`). */
  host?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens an Engine API client for the endpoint that resolveEngineEndpoint
 * chooses (DOCKER_HOST, then the docker CLI's context, then
 * /var/run/docker.sock). No request is sent yet: the first call reports a
 * missing engine with the endpoint named (see `engineError`), which saves a
 * round trip per command.
 */
export async function connectEngine(options: ConnectOptions): Promise<Engine> {
  const env = options.env ?? process.env;
  const resolved: EngineEndpoint = options.host ? { host: options.host, source: 'option' } : resolveEngineEndpoint(env);

  // docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH
  // itself when given no options. Every other endpoint is passed explicitly,
  // because without options docker-modem 5 picks ~/.docker/run/docker.sock
  // whenever that file exists, which the docker CLI does not.
  const fromEnvironment = resolved.source === 'DOCKER_HOST' && env === process.env;
  const docker = fromEnvironment ? new Dockerode() : new Dockerode({ ...modemOptionsFor(resolved.host), ...tlsOptionsOf(resolved) });
  omitUnsetQueryParameters(docker);
  return { docker, endpoint: resolved.host, logger: options.logger.child('engine') };
}

/**
 * Maps the TLS files of a tcp:// context to docker-modem options, which
 * then connects over https.
 */
function tlsOptionsOf(endpoint: EngineEndpoint): Dockerode.DockerOptions {
  const tls = endpoint.tls;
  if (!tls || !endpoint.host.startsWith('tcp://') || (tls.cert === undefined && tls.ca === undefined)) {
    return {};
  }
  // NOTE: the context's SkipTLSVerify is not applied, so such a context needs a CA file that verifies the engine.
  return { protocol: 'https', ca: tls.ca, cert: tls.cert, key: tls.key };
}

type QueryBuilder = (query: Record<string, unknown>) => string;

/**
 * Drops undefined and null values from every request's query string. For
 * them docker-modem sends an empty value (`labels=&buildargs=`): Docker
 * treats that as unset, but Podman 4.3 parses it as JSON and rejects the
 * build with HTTP 400 and an empty body.
 */
function omitUnsetQueryParameters(docker: Dockerode): void {
  const modem = docker.modem as unknown as { buildQuerystring: QueryBuilder };
  const buildQuerystring = modem.buildQuerystring.bind(modem);
  modem.buildQuerystring = (query) =>
    buildQuerystring(Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined && value !== null)));
}

function modemOptionsFor(host: string): Dockerode.DockerOptions {
  const url = new URL(host);
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: url.pathname };
    case 'tcp:':
    case 'http:':
      return { host: url.hostname, port: url.port || 2375, protocol: 'http' };
    case 'https:':
      return { host: url.hostname, port: url.port || 2376, protocol: 'https' };
    case 'ssh:':
      return { host: url.hostname, port: url.port || 22, username: url.username || undefined, protocol: 'ssh' };
    default:
      throw new EnvironmentError(
        `Unsupported engine address ${host}. Use unix://, tcp:// or ssh://.`,
        { endpoint: host },
      );
  }
}

/** Engine products whose API differences the runtime handles. */
export type EngineProduct = 'docker' | 'podman';

const products = new WeakMap<Engine, Promise<EngineProduct>>();

/**
 * Tells Docker from Podman by the engine's `GET /version`: Podman's
 * Docker-compatible API lists a component named "Podman Engine". Asked once
 * per engine client. An engine that cannot be reached raises, as any
 * other request would.
 */
export function engineProduct(engine: Engine): Promise<EngineProduct> {
  let product = products.get(engine);
  if (!product) {
    product = askEngineProduct(engine);
    products.set(engine, product);
    product.catch(() => products.delete(engine));
  }
  return product;
}

async function askEngineProduct(engine: Engine): Promise<EngineProduct> {
  engine.logger.debug('GET /version');
  let version: Dockerode.DockerVersion;
  try {
    version = await engine.docker.version();
  } catch (error) {
    throw engineError(engine, 'Reading the engine version', error);
  }
  const components = (version as { Components?: { Name?: string }[] }).Components ?? [];
  const podman = components.some((component) => /podman/i.test(component.Name ?? '')) || /podman/i.test(version.Platform?.Name ?? '');
  return podman ? 'podman' : 'docker';
}

/**
 * Wraps an Engine API failure as an EnvironmentError that carries the
 * engine's own message and HTTP status.
 */
export function engineError(
  engine: Engine,
  action: string,
  error: unknown,
  objectId?: string,
): EnvironmentError {
  if (isConnectionFailure(error)) {
    return new EnvironmentError(
      `Cannot reach the Docker engine at ${engine.endpoint}: ${messageOf(error)}. ` +
        'Start the engine (for example `dockerd`, or `podman system service`) or point DOCKER_HOST at a running one.',
      { endpoint: engine.endpoint },
      { cause: error },
    );
  }
  const status = (error as { statusCode?: number }).statusCode;
  const reason = engineMessage(error);
  return new EnvironmentError(
    `${action} failed: ${reason}`,
    { endpoint: engine.endpoint, objectId, status },
    { cause: error },
  );
}

/** True for errors that mean no engine listens at the endpoint (as opposed to an engine's error reply). */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND';
}

/** Extracts the daemon's own message from a dockerode error, without the HTTP prefix. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  if (json && typeof json.message === 'string' && json.message.trim() !== '') {
    return json.message;
  }
  const message = messageOf(error).replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
  if (message !== '') {
    return message;
  }
  // Podman 4.3 rejects some requests with an empty response body.
  const status = (error as { statusCode?: number }).statusCode;
  return status ? `the engine answered HTTP ${status} with no message` : 'no message from the engine';
}
