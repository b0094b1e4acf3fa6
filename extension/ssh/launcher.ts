import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ProxyLauncher } from './sshConfig';

/**
 * Returns how the ProxyCommand runs the runtime's CLI: the first `node` on
 * PATH, else the editor's own executable with ELECTRON_RUN_AS_NODE=1, which
 * makes an Electron binary behave as node.
 */
export async function findProxyLauncher(options: {
  pathVariable: string | undefined;
  platform: NodeJS.Platform;
  execPath: string;
}): Promise<ProxyLauncher> {
  const node = await findExecutable('node', options.pathVariable, options.platform);
  return node ? { executable: node, runAsNode: false } : { executable: options.execPath, runAsNode: true };
}

/** Returns the absolute path of the first executable file named `name` in PATH's folders. */
export async function findExecutable(name: string, pathVariable: string | undefined, platform: NodeJS.Platform): Promise<string | undefined> {
  const separator = platform === 'win32' ? ';' : ':';
  const names = platform === 'win32' ? [`${name}.exe`] : [name];
  for (const folder of (pathVariable ?? '').split(separator)) {
    // An empty entry means the current folder, whose contents ssh might see differently, so it is skipped.
    if (folder === '' || !path.isAbsolute(folder)) {
      continue;
    }
    for (const candidate of names) {
      const file = path.join(folder, candidate);
      if (await isExecutableFile(file, platform)) {
        return file;
      }
    }
  }
  return undefined;
}

async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) {
      return false;
    }
    if (platform !== 'win32') {
      await fs.access(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}
