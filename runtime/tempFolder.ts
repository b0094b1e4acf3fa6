import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** Creates a temporary folder; `remove()` deletes it with its contents. */
export async function createTempFolder(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { path: folder, remove: () => fs.rm(folder, { recursive: true, force: true }) };
}
