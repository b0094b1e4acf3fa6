import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { hostEntryLines, type HostEntryOptions, includeLine, removeBlock, upsertBlock } from './sshConfig';

/** Our SSH files: the config file with one block per workspace, and its known hosts file. */
export interface OwnSshFiles {
  folder: string;
  configFile: string;
  knownHostsFile: string;
}

/** Returns the paths of our SSH files in `<home>/.ssh/open-devcontainers/`. */
export function ownSshFiles(home: string): OwnSshFiles {
  const folder = path.join(home, '.ssh', 'open-devcontainers');
  return { folder, configFile: path.join(folder, 'config'), knownHostsFile: path.join(folder, 'known_hosts') };
}

export interface WriteHostEntryOptions {
  files: OwnSshFiles;
  /** The user's SSH config, which gets the Include line; created when missing. */
  userConfigFile: string;
  entry: Omit<HostEntryOptions, 'knownHostsFile'>;
}

/**
 * Writes the workspace's `Host` block into our config file and makes sure
 * the user's config includes that file. The user's file changes only by one
 * marked block at its top, added once, because `Include` applies to every
 * host only before the first `Host` line.
 */
export async function writeHostEntry(options: WriteHostEntryOptions): Promise<void> {
  const { files, entry } = options;
  const lines = hostEntryLines({ ...entry, knownHostsFile: files.knownHostsFile });
  const include = includeLine(files.configFile, entry.platform);

  await fs.mkdir(files.folder, { recursive: true, mode: 0o700 });
  const ownText = await readOrEmpty(files.configFile);
  await writePrivateFile(files.configFile, upsertBlock(ownText, entry.alias, lines, 'end'));

  await addIncludeBlock(options.userConfigFile, include);
}

/** Removes the workspace's block from our config file; the user's file keeps its Include. */
export async function removeHostEntry(files: OwnSshFiles, alias: string): Promise<void> {
  const text = await readOrEmpty(files.configFile);
  const updated = removeBlock(text, alias);
  if (updated !== text) {
    await writePrivateFile(files.configFile, updated);
  }
}

async function addIncludeBlock(userConfigFile: string, include: string): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(userConfigFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
    await fs.mkdir(path.dirname(userConfigFile), { recursive: true, mode: 0o700 });
    await fs.writeFile(userConfigFile, upsertBlock('', undefined, [include], 'top'), { mode: 0o600, flag: 'wx' });
    return;
  }

  const updated = upsertBlock(text, undefined, [include], 'top');
  if (updated !== text) {
    // Written in place, not renamed over, so a symbolic link (as dotfile
    // managers make) and the file's mode stay as they are.
    await fs.writeFile(userConfigFile, updated);
  }
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return '';
    }
    throw error;
  }
}

/**
 * Replaces the file through a rename, so ssh never reads half of it, with
 * mode 600 because OpenSSH rejects a config file that others can write.
 */
async function writePrivateFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await fs.writeFile(temporary, text, { mode: 0o600 });
    await fs.chmod(temporary, 0o600);
    await fs.rename(temporary, file);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}
