import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvironmentError } from '../errors';

/**
 * The Engine API endpoint that a command talks to, chosen as the docker CLI
 * chooses it (docker/cli 24, cli/command/cli.go resolveContextName):
 * DOCKER_HOST when set, else the context named by DOCKER_CONTEXT, else the
 * `currentContext` of $DOCKER_CONFIG/config.json (~/.docker/config.json),
 * else unix:///var/run/docker.sock. The full runtime (runtime/engine/client.ts)
 * and the warm path (runtime/fast) both use it, so they reach the same engine.
 *
 * Unlike dockerode without options, this never prefers Docker Desktop's
 * ~/.docker/run/docker.sock by its mere existence: Docker Desktop selects
 * that socket through its `desktop-linux` context, which this reads.
 */
export interface EngineEndpoint {
  /** The endpoint in URL form, for connections and messages, e.g. `unix:///var/run/docker.sock`. */
  host: string;
  /** The setting that chose the endpoint: `DOCKER_HOST`, `context NAME` or `default`. */
  source: string;
  /** TLS settings of a context endpoint; undefined for DOCKER_HOST, whose TLS variables docker-modem reads itself. */
  tls?: ContextTls;
}

export interface ContextTls {
  /** PEM files stored with the context, when present. */
  ca?: string;
  cert?: string;
  key?: string;
  skipVerify: boolean;
}

export const defaultEngineHost = 'unix:///var/run/docker.sock';

/** Returns the docker CLI's configuration folder: $DOCKER_CONFIG or ~/.docker. */
export function dockerConfigFolder(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
}

/**
 * Resolves the endpoint for `env`. Raises an EnvironmentError when the
 * selected context does not exist or its metadata cannot be read, as the
 * docker CLI refuses to run then too.
 */
export function resolveEngineEndpoint(env: NodeJS.ProcessEnv): EngineEndpoint {
  if (env.DOCKER_HOST) {
    return { host: env.DOCKER_HOST, source: 'DOCKER_HOST' };
  }
  const configFolder = dockerConfigFolder(env);
  const contextName = env.DOCKER_CONTEXT || currentContextOf(configFolder);
  if (!contextName || contextName === 'default') {
    return { host: defaultEngineHost, source: 'default' };
  }
  return contextEndpoint(configFolder, contextName);
}

/** Reads `currentContext` from config.json; a missing or unreadable file means none, as in the docker CLI. */
function currentContextOf(configFolder: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(configFolder, 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { currentContext?: unknown };
    return typeof parsed.currentContext === 'string' ? parsed.currentContext : undefined;
  } catch {
    throw new EnvironmentError(
      `The docker CLI configuration ${path.join(configFolder, 'config.json')} is not valid JSON, so its current context cannot be read. ` +
        'Fix the file, or set DOCKER_HOST or DOCKER_CONTEXT.',
      {},
    );
  }
}

/** Reads a context's docker endpoint from contexts/meta/<SHA-256 of the name>/meta.json, where the docker CLI stores it. */
function contextEndpoint(configFolder: string, name: string): EngineEndpoint {
  const digest = createHash('sha256').update(name).digest('hex');
  const metaFile = path.join(configFolder, 'contexts', 'meta', digest, 'meta.json');
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as typeof meta;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new EnvironmentError(
      (missing ? `Docker context "${name}" not found: ${metaFile} does not exist. ` : `Docker context "${name}" could not be read from ${metaFile}. `) +
        'Create it with `docker context create`, select another with DOCKER_CONTEXT or `docker context use`, or set DOCKER_HOST.',
      { endpoint: `context ${name}` },
    );
  }
  const docker = meta.Endpoints?.docker;
  if (typeof docker?.Host !== 'string' || docker.Host === '') {
    throw new EnvironmentError(
      `Docker context "${name}" has no docker endpoint host in ${metaFile}. Recreate it with \`docker context create ${name} --docker host=...\`, or set DOCKER_HOST.`,
      { endpoint: `context ${name}` },
    );
  }
  const tlsFolder = path.join(configFolder, 'contexts', 'tls', digest, 'docker');
  const tls: ContextTls = {
    ca: readOptional(path.join(tlsFolder, 'ca.pem')),
    cert: readOptional(path.join(tlsFolder, 'cert.pem')),
    key: readOptional(path.join(tlsFolder, 'key.pem')),
    skipVerify: docker.SkipTLSVerify === true,
  };
  return { host: docker.Host, source: `context ${name}`, tls };
}

function readOptional(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Returns the unix socket path of an endpoint, or undefined for one that is
 * not a unix socket (tcp://, ssh://, npipe://).
 */
export function unixSocketPathOf(host: string): string | undefined {
  if (!host.startsWith('unix://')) {
    return undefined;
  }
  const socketPath = host.slice('unix://'.length);
  return socketPath.startsWith('/') ? socketPath : undefined;
}
