import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, EnvironmentError } from '../errors';
import type { Logger } from '../log';

/** Milliseconds between attempts to take a lock another process holds. */
const retryMs = 200;

/** Milliseconds between the owner's refreshes of the lock's owner file, which show it still runs. */
const heartbeatMs = 5_000;

/** Milliseconds without a refresh after which the owner counts as gone, because a frozen or unrelated process has the pid. */
const heartbeatTimeoutMs = 60_000;

/**
 * Default maximum wait for a lock whose owner is alive and refreshing it. A
 * first `up` that builds an image can hold the lock for many minutes.
 */
const defaultMaxWaitMs = 30 * 60_000;

export interface LockOptions {
  logger: Logger;
  signal?: AbortSignal;
  /** Milliseconds to wait for a live owner before raising; 30 minutes unless set. */
  maxWaitMs?: number;
}

/**
 * Takes a host-wide lock for one dev container, so concurrent `up` runs on
 * the same workspace do not create two containers or run a once-only
 * lifecycle command twice. The lock is a folder (mkdir is atomic) holding
 * an owner file with the owner's pid, its process start time and the boot
 * id, which the owner refreshes every 5 s. A lock whose owner is gone is
 * taken over with a log line. The owner is gone when its pid is not
 * running, when the boot id differs (the lock survived a reboot), when the
 * pid now belongs to a process started later (a reused pid), or when the
 * file was not refreshed for 60 s.
 * Waiting for a live owner longer than `maxWaitMs` raises an error that
 * names the folder to delete.
 */
export async function lockDevContainer(devcontainerId: string, options: LockOptions): Promise<() => Promise<void>> {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const folder = path.join(base, 'devcontainer-open', 'locks', devcontainerId);
  try {
    await fs.mkdir(path.dirname(folder), { recursive: true });
  } catch (error) {
    return runWithoutLock(path.dirname(folder), error, options.logger);
  }

  const maxWaitMs = options.maxWaitMs ?? defaultMaxWaitMs;
  const started = Date.now();
  let announced = false;
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError();
    let created: boolean;
    try {
      created = await tryCreate(folder);
    } catch (error) {
      return runWithoutLock(folder, error, options.logger);
    }
    if (created) {
      return holdLock(folder);
    }
    const staleReason = await staleReasonOf(folder);
    if (staleReason !== undefined) {
      options.logger.info(`Taking over the lock ${folder} because ${staleReason}`);
      await fs.rm(folder, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - started >= maxWaitMs) {
      throw new EnvironmentError(
        `Another run on this dev container held the lock ${folder} for more than ${Math.round(maxWaitMs / 1000)} s. ` +
          'Wait for it to finish, or, if no other `up` runs, delete that folder and run `up` again.',
        {},
      );
    }
    if (!announced) {
      options.logger.info(`Waiting for another run on this dev container to finish (lock ${folder})`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

/**
 * Warns that the lock cannot be taken and returns a release function that
 * does nothing. The other caches in that folder are optional too, so `up`
 * goes on without them.
 */
function runWithoutLock(folder: string, error: unknown, logger: Logger): () => Promise<void> {
  logger.warn(
    `Running without the dev container lock, because creating ${folder} failed: ${(error as Error).message}. ` +
      'Concurrent `up` runs on this workspace are not kept apart; make the cache folder writable, or set XDG_CACHE_HOME to a writable folder.',
  );
  return async () => undefined;
}

/** Creates the lock folder and its owner file; false when the folder exists. */
async function tryCreate(folder: string): Promise<boolean> {
  try {
    await fs.mkdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  const owner: LockOwner = { pid: process.pid, startTime: await processStartTime(process.pid), bootId: await bootId() };
  await fs.writeFile(path.join(folder, 'pid'), `${owner.pid}\n${owner.startTime ?? ''}\n${owner.bootId ?? ''}\n`);
  return true;
}

/** Refreshes the owner file until released, and returns the release function. */
function holdLock(folder: string): () => Promise<void> {
  const ownerFile = path.join(folder, 'pid');
  const timer = setInterval(() => {
    const now = new Date();
    fs.utimes(ownerFile, now, now).catch(() => undefined);
  }, heartbeatMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await fs.rm(folder, { recursive: true, force: true });
  };
}

/** The owner file's content: one value a line, the later ones empty where unknown. */
export interface LockOwner {
  pid: number;
  /** The process's start time in clock ticks after boot (/proc/PID/stat field 22); Linux only. */
  startTime?: string;
  /** /proc/sys/kernel/random/boot_id; Linux only. */
  bootId?: string;
}

export function parseLockOwner(text: string): LockOwner | undefined {
  const [pidLine, startTime, bootIdLine] = text.split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, startTime: startTime || undefined, bootId: bootIdLine || undefined };
}

/** Returns why the lock's owner counts as gone, or undefined while it may still run. */
async function staleReasonOf(folder: string): Promise<string | undefined> {
  const ownerFile = path.join(folder, 'pid');
  let text: string;
  let modifiedMs: number;
  try {
    [text, modifiedMs] = await Promise.all([fs.readFile(ownerFile, 'utf8'), fs.stat(ownerFile).then((stat) => stat.mtimeMs)]);
  } catch {
    // The owner has created the folder but not yet written its file.
    const folderModifiedMs = await fs.stat(folder).then((stat) => stat.mtimeMs, () => undefined);
    if (folderModifiedMs === undefined) return undefined;
    return Date.now() - folderModifiedMs > 5_000 ? 'it has no owner file' : undefined;
  }
  const owner = parseLockOwner(text);
  if (!owner) {
    return 'its owner file holds no pid';
  }
  return staleReasonFor(owner, modifiedMs, {
    now: Date.now(),
    alive: isAlive(owner.pid),
    bootId: await bootId(),
    startTime: await processStartTime(owner.pid),
    bootTimeMs: await bootTimeMs(),
  });
}

/** The host's current state of the lock owner's pid. */
export interface HostState {
  now: number;
  alive: boolean;
  bootId?: string;
  /** The current start time of the process with the owner's pid, in clock ticks after boot. */
  startTime?: string;
  /** When the system booted, in ms since the epoch. */
  bootTimeMs?: number;
}

/** Decides whether a lock's owner is gone; separate from the file system so each rule is tested. */
export function staleReasonFor(owner: LockOwner, modifiedMs: number, host: HostState): string | undefined {
  if (!host.alive) {
    return `its owner, pid ${owner.pid}, is not running`;
  }
  if (owner.bootId && host.bootId && owner.bootId !== host.bootId) {
    return 'it was taken before the system restarted';
  }
  if (owner.startTime && host.startTime && owner.startTime !== host.startTime) {
    return `pid ${owner.pid} now belongs to another process`;
  }
  if (!owner.startTime && host.startTime && host.bootTimeMs !== undefined) {
    // A lock without a recorded start time: the pid's process must have started before the lock was written.
    const startedMs = host.bootTimeMs + (Number(host.startTime) / clockTicksPerSecond) * 1000;
    if (startedMs > modifiedMs + 1000) {
      return `pid ${owner.pid} belongs to a process started after the lock was taken`;
    }
  }
  if (host.now - modifiedMs > heartbeatTimeoutMs) {
    return `its owner, pid ${owner.pid}, has not refreshed it for ${Math.round((host.now - modifiedMs) / 1000)} s`;
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** USER_HZ, which Linux fixes at 100 for /proc on every architecture it exports to user space. */
const clockTicksPerSecond = 100;

async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces, so count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

async function bootId(): Promise<string | undefined> {
  try {
    return (await fs.readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function bootTimeMs(): Promise<number | undefined> {
  try {
    const line = (await fs.readFile('/proc/stat', 'utf8')).split('\n').find((entry) => entry.startsWith('btime '));
    return line ? Number(line.slice('btime '.length)) * 1000 : undefined;
  } catch {
    return undefined;
  }
}
