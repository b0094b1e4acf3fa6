import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../log';

/** Credentials for one registry. A registry without any gets anonymous requests. */
export type RegistryCredential =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth refresh token, stored by `docker login` for registries that issue one. */
  | { kind: 'identityToken'; token: string };

export interface CredentialLookupOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Helpers that do not exit within this time are killed and treated as having no credential. */
const helperTimeoutMs = 15_000;

/**
 * Finds the credential for a registry the way the Docker CLI does, plus the
 * reference Dev Containers CLI's DEVCONTAINERS_OCI_AUTH variable
 * (`host|user|password`, comma-separated), which wins when it names the host.
 * Then come, in order: `credHelpers[host]`, `auths[host]` in
 * `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`), and
 * `credsStore`. Last, for ghcr.io only, `GITHUB_TOKEN` from the environment,
 * as the reference CLI does. Every secret found is registered with the
 * logger's redactor before this returns.
 */
export async function findRegistryCredential(
  registry: string,
  options: CredentialLookupOptions,
): Promise<RegistryCredential | undefined> {
  const env = options.env ?? process.env;
  const credential =
    fromEnvironment(registry, env.DEVCONTAINERS_OCI_AUTH) ??
    (await fromDockerConfig(registry, options)) ??
    fromGitHubToken(registry, env, options.logger);
  if (credential) {
    registerSecrets(credential, options.logger);
  }
  return credential;
}

function fromEnvironment(registry: string, value: string | undefined): RegistryCredential | undefined {
  for (const entry of (value ?? '').split(',')) {
    const [host, username, ...passwordParts] = entry.split('|');
    const password = passwordParts.join('|');
    if (host && normaliseRegistryKey(host) === registry && username && password) {
      return { kind: 'basic', username, password };
    }
  }
  return undefined;
}

/**
 * Uses `GITHUB_TOKEN` as the password for ghcr.io, unless `GITHUB_HOST` names
 * a GitHub Enterprise host, whose tokens ghcr.io does not accept. ghcr.io
 * ignores the user name; the reference CLI sends `USERNAME`, and so does this.
 */
function fromGitHubToken(registry: string, env: NodeJS.ProcessEnv, logger: Logger): RegistryCredential | undefined {
  const token = env.GITHUB_TOKEN;
  if (registry !== 'ghcr.io' || !token) return undefined;
  if (env.GITHUB_HOST && env.GITHUB_HOST !== 'github.com') {
    logger.debug(`Not using GITHUB_TOKEN for ghcr.io because GITHUB_HOST is ${env.GITHUB_HOST}.`);
    return undefined;
  }
  logger.debug('Using GITHUB_TOKEN from the environment for ghcr.io.');
  return { kind: 'basic', username: 'USERNAME', password: token };
}

async function fromDockerConfig(registry: string, options: CredentialLookupOptions): Promise<RegistryCredential | undefined> {
  const env = options.env ?? process.env;
  const folder = env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  const file = path.join(folder, 'config.json');
  let config: DockerConfigFile;
  try {
    config = JSON.parse(await fs.readFile(file, 'utf8')) as DockerConfigFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      options.logger.warn(`Ignoring ${file}: it could not be read as JSON (${(error as Error).message}).`);
    }
    return undefined;
  }

  const helperName = Object.entries(config.credHelpers ?? {}).find(([key]) => normaliseRegistryKey(key) === registry)?.[1];
  if (helperName) {
    return runCredentialHelper(helperName, registry, options);
  }

  const entry = Object.entries(config.auths ?? {}).find(([key]) => normaliseRegistryKey(key) === registry)?.[1];
  if (entry?.identitytoken) {
    return { kind: 'identityToken', token: entry.identitytoken };
  }
  if (entry?.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    options.logger.warn(`Ignoring auths["${registry}"].auth in ${file}: it does not decode to user:password.`);
  }
  if (entry?.username && entry.password) {
    return { kind: 'basic', username: entry.username, password: entry.password };
  }

  if (config.credsStore) {
    return runCredentialHelper(config.credsStore, registry, options);
  }
  return undefined;
}

/**
 * Runs `docker-credential-NAME get` with the registry on stdin, as the Docker
 * credential helper protocol defines. A helper that is missing, fails, or has
 * no entry for the registry yields no credential and a log line, so the
 * request goes on anonymously and the registry's response decides.
 */
async function runCredentialHelper(
  name: string,
  registry: string,
  options: CredentialLookupOptions,
): Promise<RegistryCredential | undefined> {
  const program = `docker-credential-${name}`;
  const result = await runHelperProcess(program, registry, options);
  if (result.error || result.exitCode !== 0) {
    // The helper's output can name the registry but never contains the secret
    // on failure; it is logged at debug level only.
    const reason = result.error ? result.error.message : `exit code ${result.exitCode}: ${result.stdout.trim()}`;
    options.logger.debug(`${program} get returned no credential for ${registry} (${reason}).`);
    return undefined;
  }
  try {
    const output = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
    if (!output.Secret) return undefined;
    if (output.Username === '<token>') {
      return { kind: 'identityToken', token: output.Secret };
    }
    return { kind: 'basic', username: output.Username ?? '', password: output.Secret };
  } catch {
    options.logger.warn(`${program} get returned output that is not JSON for ${registry}; continuing without credentials.`);
    return undefined;
  }
}

interface HelperResult {
  exitCode: number | null;
  stdout: string;
  error?: Error;
}

function runHelperProcess(program: string, registry: string, options: CredentialLookupOptions): Promise<HelperResult> {
  return new Promise((resolve) => {
    const child = spawn(program, ['get'], {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'ignore'],
      signal: options.signal,
    });
    // Unreferenced, so a pending timer never keeps the process alive.
    const timer = setTimeout(() => child.kill('SIGKILL'), helperTimeoutMs).unref();
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, stdout: '', error });
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout: Buffer.concat(chunks).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(registry);
  });
}

/**
 * Reduces a key of `auths` or `credHelpers` to the registry host and port:
 * `https://index.docker.io/v1/` becomes `index.docker.io`.
 */
export function normaliseRegistryKey(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
}

function registerSecrets(credential: RegistryCredential, logger: Logger): void {
  if (credential.kind === 'identityToken') {
    logger.addSecret(credential.token);
    return;
  }
  logger.addSecret(credential.password);
  logger.addSecret(Buffer.from(`${credential.username}:${credential.password}`).toString('base64'));
}
