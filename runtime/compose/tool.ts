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

// NOTE: the tests run only Debian's docker-compose 1.29. The `docker compose`
// plugin and podman-compose get the same arguments (`--project-name`, `-f`,
// `build`, `up -d --no-recreate`, `stop`, `rm --stop --force -v`, `down
// --remove-orphans`) without having been run here.
const candidates: Record<string, Candidate> = {
  'docker compose': { executable: 'docker', prefixArgs: ['compose'], versionArgs: ['compose', 'version', '--short'], displayName: 'docker compose', flavor: 'compose-v2' },
  'docker-compose': { executable: 'docker-compose', prefixArgs: [], versionArgs: ['version', '--short'], displayName: 'docker-compose' },
  'podman-compose': { executable: 'podman-compose', prefixArgs: [], versionArgs: ['version'], displayName: 'podman-compose', flavor: 'podman-compose' },
};

const installAdvice =
  'Install Docker Compose (Debian 12: `apt-get install docker-compose`; with Docker Engine from Docker: the docker-compose-plugin package) ' +
  `or podman-compose, or set ${composeToolVariable} to the compose executable to use.`;

/** One detection per process and setting, because each probe starts a process (about 0.4 s for docker-compose 1.29). */
const detected = new Map<string, Promise<ComposeTool>>();

/**
 * Finds the compose tool: the one DEVCONTAINER_COMPOSE_TOOL names, else the
 * first of `docker compose` (v2), `docker-compose` (v1 or a standalone v2)
 * and `podman-compose` whose version command succeeds. The result is cached
 * for the process.
 */
export function detectComposeTool(options: { env: NodeJS.ProcessEnv; logger: Logger; signal?: AbortSignal }): Promise<ComposeTool> {
  const forced = (options.env[composeToolVariable] ?? '').trim();
  let result = detected.get(forced);
  if (!result) {
    result = forced ? probeForced(forced, options) : probeInOrder(options);
    detected.set(forced, result);
    result.catch(() => detected.delete(forced));
  }
  return result;
}

async function probeInOrder(options: { env: NodeJS.ProcessEnv; logger: Logger; signal?: AbortSignal }): Promise<ComposeTool> {
  const failures: string[] = [];
  for (const candidate of Object.values(candidates)) {
    const outcome = await probe(candidate, options);
    if (typeof outcome !== 'string') {
      options.logger.info(`Using ${outcome.displayName} ${outcome.version}`);
      return outcome;
    }
    failures.push(`${candidate.displayName}: ${outcome}`);
  }
  throw new EnvironmentError(`No compose tool found, and this configuration uses dockerComposeFile. Tried ${failures.join('; ')}. ${installAdvice}`);
}

async function probeForced(forced: string, options: { env: NodeJS.ProcessEnv; logger: Logger; signal?: AbortSignal }): Promise<ComposeTool> {
  const candidate = candidates[forced] ?? {
    executable: forced,
    prefixArgs: [],
    versionArgs: path.basename(forced).includes('podman-compose') ? ['version'] : ['version', '--short'],
    displayName: forced,
    flavor: path.basename(forced).includes('podman-compose') ? 'podman-compose' : undefined,
  };
  const outcome = await probe(candidate, options);
  if (typeof outcome === 'string') {
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
  const version = /(\d+\.\d+(?:\.\d+)?)/.exec(result.stdout)?.[1];
  if (result.exitCode !== 0 || !version) {
    const tail = outputTail(result.output, 3);
    return `\`${[candidate.executable, ...candidate.versionArgs].join(' ')}\` exited with code ${result.exitCode}${tail ? ` (${tail.replace(/\n/g, ' ')})` : ''}`;
  }
  return {
    executable: candidate.executable,
    prefixArgs: candidate.prefixArgs,
    flavor: candidate.flavor ?? (Number(version.split('.')[0]) >= 2 ? 'compose-v2' : 'compose-v1'),
    version,
    displayName: candidate.displayName,
  };
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
