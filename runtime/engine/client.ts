import Dockerode from 'dockerode';
import { EnvironmentError, messageOf } from '../errors';
import type { Logger } from '../log';

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
 * Opens an Engine API client for DOCKER_HOST (or the default socket). No
 * request is sent yet: the first call reports a missing engine with the
 * endpoint named (see `engineError`), which saves a round trip per command.
 */
export async function connectEngine(options: ConnectOptions): Promise<Engine> {
  const env = options.env ?? process.env;
  const host = options.host ?? env.DOCKER_HOST;
  const endpoint = host && host.length > 0 ? host : 'unix:///var/run/docker.sock';

  // docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH
  // itself when given no options; an explicit host is passed the same way.
  const docker = options.host ? new Dockerode(modemOptionsFor(options.host)) : new Dockerode();
  return { docker, endpoint, logger: options.logger.child('engine') };
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
  if (json && typeof json.message === 'string') {
    return json.message;
  }
  return messageOf(error).replace(/^\(HTTP code \d+\) [^-]*- /, '');
}
