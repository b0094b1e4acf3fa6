import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import type { FeatureNode } from './types';

/** One entry of devcontainer-lock.json, keyed by the Feature as devcontainer.json names it. */
export interface LockfileEntry {
  version?: string;
  /** `registry/namespace/id@sha256:…` for OCI Features, the URL for tarballs. */
  resolved: string;
  /** Digest of the OCI manifest or of the tarball. */
  integrity: string;
  dependsOn?: string[];
}

export interface Lockfile {
  features: Record<string, LockfileEntry>;
}

/**
 * `update` reads the lockfile, pins Features to it and rewrites it when the
 * resolved set changed. `frozen` fails instead of writing, and fails when
 * there is no lockfile. `off` neither reads nor writes it.
 */
export type LockfileMode = 'update' | 'frozen' | 'off';

/** devcontainer-lock.json next to devcontainer.json, or .devcontainer-lock.json next to .devcontainer.json. */
export function lockfilePath(configFile: string): string {
  const name = path.basename(configFile).startsWith('.') ? '.devcontainer-lock.json' : 'devcontainer-lock.json';
  return path.join(path.dirname(configFile), name);
}

/** Reads the lockfile; an empty file counts as none, as in the reference CLI. */
export async function readLockfile(configFile: string): Promise<Lockfile | undefined> {
  const file = lockfilePath(configFile);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (text.trim() === '') return undefined;
  try {
    const value = JSON.parse(text) as Lockfile;
    if (!value || typeof value.features !== 'object' || value.features === null) throw new Error('no "features" object');
    return value;
  } catch (error) {
    throw new ConfigurationError(
      `${file} is not a valid lockfile: ${(error as Error).message}. Delete it to have it written again.`,
      { file },
      { cause: error },
    );
  }
}

/** Builds the lockfile for the Features of a build: OCI and tarball Features only, sorted by key. */
export function buildLockfile(nodes: FeatureNode[]): Lockfile {
  const entries = nodes
    .filter((node) => node.source.kind !== 'local' && node.resolved && node.digest)
    .map((node): [string, LockfileEntry] => {
      const dependsOn = Object.keys(node.manifest.dependsOn ?? {});
      return [
        node.userId,
        {
          version: node.manifest.version,
          resolved: node.resolved as string,
          integrity: node.digest as string,
          ...(dependsOn.length > 0 ? { dependsOn } : {}),
        },
      ];
    })
    .sort(([a], [b]) => a.localeCompare(b));
  return { features: Object.fromEntries(entries) };
}

/**
 * Writes the lockfile when its content changed. In `frozen` mode a missing or
 * different lockfile is a ConfigurationError instead. No file is created for
 * a configuration that has no OCI or tarball Features.
 */
export async function saveLockfile(configFile: string, lockfile: Lockfile, mode: LockfileMode): Promise<boolean> {
  if (mode === 'off') return false;
  const file = lockfilePath(configFile);
  const text = JSON.stringify(lockfile, null, 2) + '\n';
  const previous = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (mode === 'frozen' && previous === undefined) {
    throw new ConfigurationError(`--frozen-lockfile is set but ${file} does not exist. Run once without it to write the lockfile.`, { file });
  }
  let previousNormalised: string | undefined;
  try {
    previousNormalised = previous === undefined ? undefined : JSON.stringify(JSON.parse(previous), null, 2) + '\n';
  } catch {
    previousNormalised = undefined;
  }
  if (previousNormalised === text) return false;
  if (mode === 'frozen') {
    throw new ConfigurationError(
      `--frozen-lockfile is set but ${file} does not match the Features of ${configFile}. Run without --frozen-lockfile to update it.`,
      { file },
    );
  }
  if (previous === undefined && Object.keys(lockfile.features).length === 0) return false;
  await fs.writeFile(file, text);
  return true;
}
