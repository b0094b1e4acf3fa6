import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { UserEnvProbe } from '../config/metadata';

/** Inputs a probed environment depends on: the container start, the user and the probe kind. */
export interface ProbeCacheKey {
  containerId: string;
  /** The container's start time as the engine reports it, so a restart probes again. */
  startedAt: string;
  user: string;
  probe: UserEnvProbe;
}

/** Returns the host file that caches a probed user environment. */
export function userEnvCachePath(options: ProbeCacheKey): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const startedAt = Date.parse(options.startedAt) || 0;
  const name = `${options.containerId.slice(0, 24)}-${startedAt}-${options.probe}-${Buffer.from(options.user).toString('hex')}.json`;
  return path.join(base, 'devcontainer-open', 'user-env', name);
}

export async function readProbeCache(file: string): Promise<Record<string, string> | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
  } catch {
    return undefined;
  }
}

/** Days after which a cached probe of another container is deleted, because that container is likely gone. */
const staleProbeDays = 30;

/**
 * Writes the cache readable by the current user only, because values may be
 * secrets, and deletes stale cache files: the same container's files from
 * earlier starts, and other files not written for 30 days.
 */
export async function writeProbeCache(file: string, env: Record<string, string>): Promise<void> {
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await fs.writeFile(file, JSON.stringify(env), { mode: 0o600 });
  } catch {
    // A read-only home only costs a probe on the next run.
    return;
  }
  await pruneProbeCache(file).catch(() => undefined);
}

async function pruneProbeCache(written: string): Promise<void> {
  const folder = path.dirname(written);
  // Names are CONTAINER-STARTEDAT-PROBE-USER.json (see userEnvCachePath).
  const [container, startedAt] = path.basename(written).split('-');
  const cutoff = Date.now() - staleProbeDays * 24 * 60 * 60 * 1000;
  for (const name of await fs.readdir(folder)) {
    const [otherContainer, otherStartedAt] = name.split('-');
    const file = path.join(folder, name);
    if (otherContainer === container && otherStartedAt !== startedAt) {
      await fs.rm(file, { force: true });
    } else if (otherContainer !== container && (await fs.stat(file)).mtimeMs < cutoff) {
      await fs.rm(file, { force: true });
    }
  }
}
