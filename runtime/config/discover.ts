import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';

/**
 * Lists the dev container configurations of a workspace in the order the
 * spec gives: `.devcontainer/devcontainer.json`, `.devcontainer.json`, then
 * `.devcontainer/<name>/devcontainer.json` (one level deep, sorted by name).
 */
export async function findConfigFiles(workspaceFolder: string): Promise<string[]> {
  const candidates = [
    path.join(workspaceFolder, '.devcontainer', 'devcontainer.json'),
    path.join(workspaceFolder, '.devcontainer.json'),
  ];

  const found: string[] = [];
  for (const candidate of candidates) {
    if (await isFile(candidate)) {
      found.push(candidate);
    }
  }

  const folder = path.join(workspaceFolder, '.devcontainer');
  let entries: string[] = [];
  try {
    entries = (await fs.readdir(folder, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    // No .devcontainer folder: only .devcontainer.json can exist.
  }
  for (const name of entries) {
    const candidate = path.join(folder, name, 'devcontainer.json');
    if (await isFile(candidate)) {
      found.push(candidate);
    }
  }
  return found;
}

/**
 * Picks the configuration to use when the caller named none: the first of the
 * two standard locations, or the only one in a subfolder. Several subfolder
 * configurations and no standard one is ambiguous, so it raises an error that
 * lists them.
 */
export async function resolveConfigFile(workspaceFolder: string, configFile?: string): Promise<string> {
  if (configFile) {
    const absolute = path.resolve(workspaceFolder, configFile);
    if (!(await isFile(absolute))) {
      throw new ConfigurationError(
        `Dev container configuration not found: ${absolute}. Check the --config path.`,
        { file: absolute },
      );
    }
    return absolute;
  }

  const found = await findConfigFiles(workspaceFolder);
  if (found.length === 0) {
    throw new ConfigurationError(
      `No dev container configuration found in ${workspaceFolder}. ` +
        'Create .devcontainer/devcontainer.json or .devcontainer.json, or pass --config.',
      { file: workspaceFolder },
    );
  }

  const standard = found.filter((file) => isStandardLocation(workspaceFolder, file));
  if (standard.length > 0) {
    return standard[0];
  }
  if (found.length === 1) {
    return found[0];
  }
  throw new ConfigurationError(
    `Several dev container configurations found in ${workspaceFolder}: ` +
      found.map((file) => path.relative(workspaceFolder, file)).join(', ') +
      '. Choose one with --config.',
    { file: workspaceFolder },
  );
}

function isStandardLocation(workspaceFolder: string, file: string): boolean {
  return (
    file === path.join(workspaceFolder, '.devcontainer', 'devcontainer.json') ||
    file === path.join(workspaceFolder, '.devcontainer.json')
  );
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
