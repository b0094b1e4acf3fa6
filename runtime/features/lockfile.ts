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
    const advice =
      Object.keys(lockfile.features).length === 0
        ? `The Features of ${configFile} are all local folders, which the lockfile does not record, so no run writes it. ` +
          `Drop --frozen-lockfile, or create ${file} containing {"features": {}}.`
        : 'Run once without --frozen-lockfile to write it, and commit it next to devcontainer.json.';
    throw new ConfigurationError(`--frozen-lockfile is set but ${file} does not exist. ${advice}`, { file });
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
      `--frozen-lockfile is set but ${file} does not match the Features of ${configFile}: ${describeLockfileChanges(previous, lockfile)}. ` +
        'If the change is intended, run once without --frozen-lockfile to update the lockfile, then commit it.',
      { file },
    );
  }
  if (previous === undefined && Object.keys(lockfile.features).length === 0) return false;
  await fs.writeFile(file, text);
  return true;
}

/** Lists how the Features differ from the lockfile's entries, for the frozen-lockfile error. */
export function describeLockfileChanges(previousText: string | undefined, next: Lockfile): string {
  let previous: Record<string, LockfileEntry>;
  try {
    previous = (JSON.parse(previousText ?? '') as Lockfile).features ?? {};
  } catch {
    return 'the lockfile is not valid JSON';
  }
  const changes: string[] = [];
  for (const [key, entry] of Object.entries(next.features)) {
    const old = previous[key];
    if (!old) changes.push(`${key} is not in the lockfile`);
    else if (old.integrity !== entry.integrity || old.resolved !== entry.resolved) {
      changes.push(`${key} resolves to ${entry.version ?? entry.resolved}, the lockfile records ${old.version ?? old.resolved}`);
    } else if (JSON.stringify(old.dependsOn ?? []) !== JSON.stringify(entry.dependsOn ?? [])) changes.push(`${key} has other dependsOn entries`);
  }
  for (const key of Object.keys(previous)) {
    if (!(key in next.features)) changes.push(`${key} is in the lockfile but no longer used`);
  }
  return changes.length > 0 ? changes.join('; ') : 'the entries are the same but the file differs in format';
}
