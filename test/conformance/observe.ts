import type Dockerode from 'dockerode';
import type { CliResult } from '../support/cli';
import { docker } from '../support/engine';
import { inspectContainerState, envListToMap, summarizeSecurity, type ContainerState, type SecuritySettings } from './container';
import type { CreateRequestRecorder } from './createRecorder';
import { parseLastJsonLine, runSideCli, type Side } from './sides';

/** Everything the suite records from one CLI for one workspace copy. */
export interface Observation {
  side: Side;
  up: CliSummary;
  /** From `up`'s output, or found by label when `up` failed after creating the container. */
  containerId: string;
  readConfigurationBeforeUp: CliSummary;
  readConfiguration: CliSummary;
  readConfigurationMerged: CliSummary;
  /** Undefined when `up` printed no container id. */
  container?: ContainerState;
  exec: {
    env: Record<string, string> | CliFailure;
    user: string | CliFailure;
    folder: string | CliFailure;
  };
  /** Output lines of each group-specific command run through `exec`. */
  probes: Record<string, string[] | CliFailure>;
  /** Security settings of the last create request the engine got, when the group records requests. */
  requestedSecurity?: SecuritySettings;
  /** Milliseconds `up` took. */
  upDurationMs: number;
}

export interface CliSummary {
  exitCode: number;
  json: Record<string, unknown>;
  stderrTail: string;
}

/**
 * A command that failed. Only the fact is compared: the two CLIs word their
 * errors differently, so the tail of stderr goes to the test log instead.
 */
export interface CliFailure {
  failed: true;
  exitCode: number;
  stderrTail: string;
}

export function isCliFailure(value: unknown): value is CliFailure {
  return typeof value === 'object' && value !== null && (value as CliFailure).failed === true;
}

export interface ObserveOptions {
  /** Host environment for `read-configuration` and `up`. */
  env: NodeJS.ProcessEnv;
  /** Host environment for `exec`, so a test can change a variable between `up` and `exec`. */
  execEnv: NodeJS.ProcessEnv;
  /** Group-specific commands, each run as `sh -c SCRIPT` through `exec`. */
  probes: Record<string, string>;
  /** Routes this side's engine traffic through a recorder, via `DOCKER_HOST`. */
  recorder?: CreateRequestRecorder;
}

/**
 * Runs `read-configuration`, `up`, `read-configuration` (plain and merged)
 * and the `exec` checks through one CLI, then inspects the container.
 */
export async function observeSide(side: Side, options: ObserveOptions): Promise<Observation> {
  const engineEnv = options.recorder ? { DOCKER_HOST: options.recorder.dockerHost } : {};
  const cli = (subcommand: string, args: string[] = []) =>
    runSideCli(side, subcommand, args, { ...options.env, ...engineEnv });
  const exec = (command: string[]) => runSideCli(side, 'exec', command, { ...options.execEnv, ...engineEnv });

  const readConfigurationBeforeUp = summarize(await cli('read-configuration'));

  const started = Date.now();
  const up = summarize(await cli('up'));
  const upDurationMs = Date.now() - started;
  const containerId = typeof up.json.containerId === 'string' ? up.json.containerId : await findContainer(side);

  const readConfiguration = summarize(await cli('read-configuration'));
  const readConfigurationMerged = summarize(await cli('read-configuration', ['--include-merged-configuration']));

  const execResults = {
    env: outputOrFailure(await exec(['env']), (stdout) => envListToMap(lines(stdout))),
    user: outputOrFailure(await exec(['id', '-un']), (stdout) => stdout.trim()),
    folder: outputOrFailure(await exec(['pwd']), (stdout) => stdout.trim()),
  };
  const probes: Observation['probes'] = {};
  for (const [name, script] of Object.entries(options.probes)) {
    probes[name] = outputOrFailure(await exec(['sh', '-c', script]), lines);
  }

  // Inspected last, so `running` is sampled seconds after `up` returned.
  const container = containerId ? await inspectContainerState(containerId) : undefined;
  const createRequest = options.recorder?.createBodies.at(-1);
  const requestedSecurity = createRequest ? summarizeSecurity((createRequest.HostConfig ?? {}) as Dockerode.HostConfig) : undefined;

  return {
    side,
    up,
    containerId,
    readConfigurationBeforeUp,
    readConfiguration,
    readConfigurationMerged,
    container,
    exec: execResults,
    probes,
    requestedSecurity,
    upDurationMs,
  };
}

async function findContainer(side: Side): Promise<string> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`devcontainer.local_folder=${side.workspaceFolder}`] },
  });
  return containers[0]?.Id ?? '';
}

function summarize(result: CliResult): CliSummary {
  return { exitCode: result.exitCode, json: parseLastJsonLine(result), stderrTail: result.stderr.slice(-3000) };
}

function outputOrFailure<T>(result: CliResult, parse: (stdout: string) => T): T | CliFailure {
  if (result.exitCode !== 0) {
    return { failed: true, exitCode: result.exitCode, stderrTail: result.stderr.slice(-2000) };
  }
  return parse(result.stdout);
}

function lines(text: string): string[] {
  const result = text.split('\n').map((line) => line.trimEnd());
  while (result.length > 0 && result[result.length - 1] === '') result.pop();
  return result;
}
