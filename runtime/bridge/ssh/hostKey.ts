import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { EnvironmentError } from '../../errors';

/** File name of the cached host key in the SSH cache folder. */
const hostKeyName = 'host_ed25519_key';

/**
 * Returns the folder of the SSH proxy's cached files:
 * `${XDG_CACHE_HOME:-~/.cache}/devcontainer-open/ssh`.
 */
export function sshCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'devcontainer-open', 'ssh');
}

/**
 * Reads the proxy's ed25519 host key in OpenSSH format, generating it on
 * first use. One key per host user, kept across runs, lets a client's
 * known_hosts entry (`StrictHostKeyChecking accept-new`) keep matching,
 * where a key generated per run would look like a changed host every time.
 * The file is readable by its owner only (mode 600).
 */
export async function loadHostKey(folder = sshCacheFolder()): Promise<string> {
  const file = path.join(folder, hostKeyName);
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw hostKeyError(file, error);
    }
  }

  const { private: privateKey } = utils.generateKeyPairSync('ed25519');
  try {
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    // Write under a unique name, then link it into place: when two proxies
    // start at once, the first link wins and both use that key.
    const temporary = `${file}.${randomBytes(6).toString('hex')}`;
    await fs.writeFile(temporary, privateKey, { mode: 0o600, flag: 'wx' });
    try {
      await fs.link(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await fs.rm(temporary, { force: true });
    }
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw hostKeyError(file, error);
  }
}

function hostKeyError(file: string, cause: unknown): EnvironmentError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new EnvironmentError(
    `Reading or creating the SSH host key ${file} failed: ${reason}. ` +
      'Check that the folder is writable by this user, or set XDG_CACHE_HOME to a folder that is.',
    { objectId: file },
    { cause },
  );
}
