import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/client';
import { execCapture } from '../engine/exec';
import probeScript from './probe-env.sh';
import { readProbeCache, userEnvCachePath, writeProbeCache } from './userEnvCache';

import type { UserEnvProbe } from '../config/metadata';

const probeFlags: Record<Exclude<UserEnvProbe, 'none'>, string> = {
  loginShell: '-lc',
  interactiveShell: '-ic',
  loginInteractiveShell: '-lic',
};

/** Variables that describe the probing shell itself, not the user's settings. */
const shellOwnVariables = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD', 'HOSTNAME']);

export interface ProbeOptions {
  engine: Engine;
  containerId: string;
  /** The container's start time, so a restart probes again. */
  startedAt: string;
  user: string;
  probe: UserEnvProbe;
  signal?: AbortSignal;
}

/**
 * Returns the environment the remote user's shell sets up (PATH additions
 * from profile and rc files, for example), probed the way `userEnvProbe`
 * selects. The result is cached on the host per container start, user and probe
 * kind, because a login shell can take a noticeable fraction of a second.
 */
export async function probeUserEnv(options: ProbeOptions): Promise<Record<string, string>> {
  if (options.probe === 'none') {
    return {};
  }
  const cacheFile = userEnvCachePath(options);
  const cached = await readProbeCache(cacheFile);
  if (cached) {
    return cached;
  }

  const started = Date.now();
  const mark = `devcontainer-env-${randomBytes(8).toString('hex')}`;
  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['/bin/sh', '-c', probeScript],
    user: options.user,
    env: { DEVCONTAINER_PROBE_FLAGS: probeFlags[options.probe], DEVCONTAINER_PROBE_MARK: mark },
    signal: options.signal,
  });
  const env = parseProbeOutput(result.stdout, mark);
  if (!env) {
    options.engine.logger.warn(
      `The ${options.probe} environment probe for ${options.user} printed no environment (exit code ${result.exitCode}); ` +
        'using the container environment only.',
    );
    return {};
  }
  options.engine.logger.debug(`Probed the ${options.probe} environment of ${options.user} in ${Date.now() - started} ms`);
  await writeProbeCache(cacheFile, env);
  return env;
}

/** Extracts the NUL-separated environment between the two markers. */
export function parseProbeOutput(stdout: string, mark: string): Record<string, string> | undefined {
  const start = stdout.indexOf(mark);
  const end = stdout.lastIndexOf(mark);
  if (start < 0 || end <= start) {
    return undefined;
  }
  const env: Record<string, string> = {};
  for (const entry of stdout.slice(start + mark.length, end).split('\0')) {
    const equals = entry.indexOf('=');
    if (equals > 0 && !shellOwnVariables.has(entry.slice(0, equals))) {
      env[entry.slice(0, equals)] = entry.slice(equals + 1);
    }
  }
  return env;
}
