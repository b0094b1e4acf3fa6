import * as path from 'node:path';
import { EnvironmentError } from '../errors';
import type { Logger } from '../log';
import { ExecutableNotFoundError, outputTail, runHostProcess } from './process';
import { composeToolVariable } from './settings';

export type ComposeFlavor = 'compose-v2' | 'compose-v1' | 'podman-compose';

/** The compose command-line tool that orchestrates compose configurations. */
export interface ComposeTool {
  /** Executable to spawn, for example `docker` or `docker-compose`. */
  executable: string;
  /** Arguments before the compose arguments: `['compose']` for the Docker CLI plugin. */
  prefixArgs: string[];
  flavor: ComposeFlavor;
  /** Version the tool reports, for example `1.29.2`. */
  version: string;
  /** The command as users type it, for messages: `docker compose`, `docker-compose`. */
  displayName: string;
}

interface Candidate {
  executable: string;
  prefixArgs: string[];
  versionArgs: string[];
  displayName: string;
  flavor?: ComposeFlavor;
}

// The tests run Debian 12's docker-compose 1.29 against Docker, and
// podman-compose 1.0.3 against Podman 4.3. NOTE: the `docker compose` plugin
// gets the same arguments as docker-compose without having been run here.
const candidates: Record<string, Candidate> = {
  'docker compose': { executable: 'docker', prefixArgs: ['compose'], versionArgs: ['compose', 'version', '--short'], displayName: 'docker compose', flavor: 'compose-v2' },
  'docker-compose': { executable: 'docker-compose', prefixArgs: [], versionArgs: ['version', '--short'], displayName: 'docker-compose' },
  'podman-compose': { executable: 'podman-compose', prefixArgs: [], versionArgs: ['version'], displayName: 'podman-compose', flavor: 'podman-compose' },
};

/** Detection order for a Podman engine: its own compose tool first, then the Docker ones, which also work with its Docker-compatible API. */
const podmanOrder = ['podman-compose', 'docker compose', 'docker-compose'];
const dockerOrder = ['docker compose', 'docker-compose', 'podman-compose'];

const installAdvice =
  'Install Docker Compose (Debian 12: `apt-get install docker-compose`; with Docker Engine from Docker: the docker-compose-plugin package) ' +
  `or podman-compose, or set ${composeToolVariable} to the compose executable to use.`;

export interface DetectOptions {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  signal?: AbortSignal;
  /** The engine is Podman, so podman-compose comes first. */
  preferPodman?: boolean;
}

/** One detection per process and setting, because each probe starts a process (about 0.4 s for docker-compose 1.29). */
const detected = new Map<string, Promise<ComposeTool>>();

/**
 * Finds the compose tool: the one DEVCONTAINER_COMPOSE_TOOL names, else the
 * first whose version command succeeds of `docker compose` (v2),
 * `docker-compose` (v1 or a standalone v2) and `podman-compose`, with
 * podman-compose first when the engine is Podman. The result is cached for
 * the process.
 */
export function detectComposeTool(options: DetectOptions): Promise<ComposeTool> {
  const forced = (options.env[composeToolVariable] ?? '').trim();
  const key = forced || (options.preferPodman ? 'podman order' : 'docker order');
  let result = detected.get(key);
  if (!result) {
    result = forced ? probeForced(forced, options) : probeInOrder(options);
    detected.set(key, result);
    result.catch(() => detected.delete(key));
  }
  return result;
}

async function probeInOrder(options: DetectOptions): Promise<ComposeTool> {
  const failures: string[] = [];
  for (const candidate of (options.preferPodman ? podmanOrder : dockerOrder).map((name) => candidates[name])) {
    const outcome = await probe(candidate, options);
    if (typeof outcome !== 'string') {
      options.logger.info(`Using ${outcome.displayName} ${outcome.version}`);
      return outcome;
    }
    failures.push(`${candidate.displayName}: ${outcome}`);
  }
  throw new EnvironmentError(`No compose tool found, and this configuration uses dockerComposeFile. Tried ${failures.join('; ')}. ${installAdvice}`);
}

/** Install advice for each tool name that DEVCONTAINER_COMPOSE_TOOL accepts. */
const toolAdvice: Record<string, string> = {
  'docker compose': "Install the Docker Compose plugin (the docker-compose-plugin package from Docker's apt repository)",
  'docker-compose': 'Install docker-compose (Debian 12: `apt-get install docker-compose`)',
  'podman-compose': 'Install podman-compose and Podman (Debian 12: `apt-get install podman-compose podman`)',
};

async function probeForced(forced: string, options: DetectOptions): Promise<ComposeTool> {
  const known = candidates[forced];
  const isPath = forced.includes('/');
  const candidate = known ?? {
    executable: forced,
    prefixArgs: [],
    versionArgs: path.basename(forced).includes('podman-compose') ? ['version'] : ['version', '--short'],
    displayName: forced,
    flavor: path.basename(forced).includes('podman-compose') ? 'podman-compose' : undefined,
  };
  const outcome = await probe(candidate, options);
  if (typeof outcome === 'string') {
    if (known) {
      throw new EnvironmentError(
        `${composeToolVariable} is "${forced}", but that compose tool failed: ${outcome}. ` +
          `${toolAdvice[forced]}, or unset ${composeToolVariable} to use the compose tool that is installed.`,
      );
    }
    if (!isPath && outcome.endsWith('is not installed or not on PATH')) {
      throw new EnvironmentError(
        `${composeToolVariable} is "${forced}", which is neither a known compose tool (${Object.keys(candidates).join(', ')}) ` +
          `nor an executable on PATH. Set it to one of those names or to the path of a compose executable, or unset it to detect one. ${installAdvice}`,
      );
    }
    throw new EnvironmentError(`${composeToolVariable} is "${forced}", but that compose tool failed: ${outcome}. ${installAdvice}`);
  }
  options.logger.info(`Using ${outcome.displayName} ${outcome.version} (from ${composeToolVariable})`);
  return outcome;
}

/** Runs the candidate's version command; returns the tool, or why it is not usable. */
async function probe(candidate: Candidate, options: { env: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ComposeTool | string> {
  let result;
  try {
    result = await runHostProcess(candidate.executable, candidate.versionArgs, { env: options.env, signal: options.signal, timeoutMs: 20_000 });
  } catch (error) {
    if (error instanceof ExecutableNotFoundError) return `${candidate.executable} is not installed or not on PATH`;
    throw error;
  }
  if (result.timedOut) return `\`${[candidate.executable, ...candidate.versionArgs].join(' ')}\` timed out`;
  const version = toolVersion(candidate, result.stdout);
  const commandLine = [candidate.executable, ...candidate.versionArgs].join(' ');
  const tail = outputTail(result.output, 3).replace(/\n/g, ' ');
  // Without the plugin, `docker` parses `compose version --short` as its own
  // arguments and rejects the flag.
  if (candidate.prefixArgs[0] === 'compose' && result.exitCode !== 0 && /unknown flag: --short|'compose' is not a docker command/.test(tail)) {
    return 'the Docker Compose plugin is not installed (`docker compose` is not a docker command)';
  }
  if (result.exitCode !== 0) return `\`${commandLine}\` exited with code ${result.exitCode}${tail ? ` (${tail})` : ''}`;
  if (!version) return `\`${commandLine}\` printed no version number${tail ? ` (output: ${tail})` : ' (no output)'}`;
  return {
    executable: candidate.executable,
    prefixArgs: candidate.prefixArgs,
    flavor: candidate.flavor ?? (Number(version.split('.')[0]) >= 2 ? 'compose-v2' : 'compose-v1'),
    version,
    displayName: candidate.displayName,
  };
}

/**
 * Reads the version from a version command's output. podman-compose 1.0.3
 * prints Podman's version before its own (`using podman version: 4.3.1`,
 * then `podman-composer version  1.0.3`), so its line is looked for by name.
 */
export function toolVersion(candidate: { flavor?: ComposeFlavor }, stdout: string): string | undefined {
  const number = /(\d+\.\d+(?:\.\d+)?)/;
  if (candidate.flavor === 'podman-compose') {
    const line = stdout.split('\n').find((text) => /podman-compose(r)? version/i.test(text));
    return number.exec(line ?? stdout)?.[1];
  }
  return number.exec(stdout)?.[1];
}

/**
 * Returns the name compose gives an image it builds for a service that sets
 * no `image`: `<project>-<service>` from Compose 2.8 on, `<project>_<service>`
 * before that and in podman-compose.
 */
export function builtImageName(tool: ComposeTool, project: string, service: string): string {
  const [major, minor] = tool.version.split('.').map(Number);
  const dash = tool.flavor === 'compose-v2' && (major > 2 || (major === 2 && minor >= 8));
  return `${project}${dash ? '-' : '_'}${service}`;
}
