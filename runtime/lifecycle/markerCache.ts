import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A host-side copy of the lifecycle markers known to exist in a container,
 * keyed by container id. Markers are only ever added during a container's
 * life, so every name here is also in the container, and a warm `up` that
 * finds all it needs here skips the exec that lists the container's markers.
 */
export class MarkerCache {
  private readonly file: string;

  constructor(containerId: string) {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
    this.file = path.join(base, 'devcontainer-open', 'lifecycle', `${containerId}.json`);
  }

  async read(): Promise<Set<string>> {
    try {
      return new Set(JSON.parse(await fs.readFile(this.file, 'utf8')) as string[]);
    } catch {
      return new Set();
    }
  }

  async write(markers: Set<string>): Promise<void> {
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.writeFile(this.file, JSON.stringify([...markers]));
    } catch {
      // Without the cache the next run lists the markers in the container.
    }
  }
}
