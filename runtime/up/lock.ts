import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError } from '../errors';
import type { Logger } from '../log';

/** Milliseconds between attempts to take a lock another process holds. */
const retryMs = 200;

/**
 * Takes a host-wide lock for one dev container, so concurrent `up` runs on
 * the same workspace do not create two containers or run a once-only
 * lifecycle command twice. The lock is a folder (mkdir is atomic) holding
 * the owner's pid; a lock whose owner is gone is taken over.
 */
export async function lockDevContainer(
  devcontainerId: string,
  options: { logger: Logger; signal?: AbortSignal },
): Promise<() => Promise<void>> {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const folder = path.join(base, 'devcontainer-open', 'locks', devcontainerId);
  await fs.mkdir(path.dirname(folder), { recursive: true });

  let announced = false;
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError();
    try {
      await fs.mkdir(folder);
      await fs.writeFile(path.join(folder, 'pid'), String(process.pid));
      return () => fs.rm(folder, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!(await ownerAlive(folder))) {
      await fs.rm(folder, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      options.logger.info('Waiting for another run on this dev container to finish');
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

async function ownerAlive(folder: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await fs.readFile(path.join(folder, 'pid'), 'utf8'));
  } catch {
    // The owner has created the folder but not yet written its pid.
    const age = Date.now() - (await fs.stat(folder).then((stat) => stat.mtimeMs, () => 0));
    return age < 5000;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
