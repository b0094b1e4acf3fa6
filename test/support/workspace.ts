import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Creates a workspace folder outside any git tree from a map of relative path to content. */
export function makeWorkspace(files: Record<string, string>, name = 'ws'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devcontainer-test-'));
  const folder = path.join(root, name);
  fs.mkdirSync(folder, { recursive: true });
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(folder, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return folder;
}

export function removeWorkspace(folder: string): void {
  fs.rmSync(path.dirname(folder), { recursive: true, force: true });
}
