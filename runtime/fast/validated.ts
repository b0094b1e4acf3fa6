import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadedConfig } from '../config/types';

/**
 * Digest of the schema validator the bundle contains, set by the build
 * (scripts/build.mjs), so a record written by a build with another validator
 * never counts. Unbundled runs (tests through tsx) share one value.
 */
declare const DEVCONTAINER_SCHEMA_DIGEST: string | undefined;

function validatorVersion(): string {
  return typeof DEVCONTAINER_SCHEMA_DIGEST === 'string' ? DEVCONTAINER_SCHEMA_DIGEST : 'unbundled';
}

/**
 * The last configuration of a workspace that passed the schema check, kept
 * next to the lifecycle marker cache. It stores the file's text, not the
 * parsed value: a re-serialisation loses what the check rejects, such as a
 * number out of range (1e400 and null both serialise as null) or a
 * `__proto__` key. The record also keeps the devcontainerId, whose SHA-256
 * would otherwise load node:crypto on every warm run.
 */
interface ValidRecord {
  validator: string;
  workspaceFolder: string;
  configFile: string;
  devcontainerId: string;
  /** The text of devcontainer.json that passed the check, without a byte order mark. */
  text: string;
}

/**
 * Returns the record's file. The name is a 32-bit FNV-1a hash of the
 * workspace folder and config file, which the record repeats, so a
 * collision only costs a full run.
 */
function recordPath(workspaceFolder: string, configFile: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  let hash = 0x811c9dc5;
  for (const character of `${workspaceFolder}\0${configFile}`) {
    hash ^= character.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return path.join(base, 'devcontainer-open', 'validated', `${hash.toString(16).padStart(8, '0')}.json`);
}

/**
 * Records that the loaded configuration passed the schema check. Records
 * nothing for a configuration without its text (one not read by loadConfig).
 */
export async function recordValidConfig(loaded: Pick<LoadedConfig, 'workspaceFolder' | 'configFile' | 'devcontainerId' | 'text'>): Promise<void> {
  if (loaded.text === undefined) {
    return;
  }
  const file = recordPath(loaded.workspaceFolder, loaded.configFile);
  const record: ValidRecord = {
    validator: validatorVersion(),
    workspaceFolder: loaded.workspaceFolder,
    configFile: loaded.configFile,
    devcontainerId: loaded.devcontainerId,
    text: loaded.text,
  };
  try {
    await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    // Readable by the current user only, like the user environment cache, because the configuration may name secrets.
    await fs.promises.writeFile(file, JSON.stringify(record), { mode: 0o600 });
  } catch {
    // Without the record the next run validates the configuration again.
  }
}

/**
 * Returns the devcontainerId recorded with `text` when `text` is the
 * configuration text last recorded as valid for this workspace and config
 * file, else undefined.
 */
export function recordedDevcontainerId(workspaceFolder: string, configFile: string, text: string): string | undefined {
  let record: Partial<ValidRecord>;
  try {
    record = JSON.parse(fs.readFileSync(recordPath(workspaceFolder, configFile), 'utf8')) as Partial<ValidRecord>;
  } catch {
    return undefined;
  }
  const matches =
    record.validator === validatorVersion() &&
    record.workspaceFolder === workspaceFolder &&
    record.configFile === configFile &&
    record.text === text &&
    typeof record.devcontainerId === 'string';
  return matches ? record.devcontainerId : undefined;
}
