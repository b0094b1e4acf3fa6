import { resolve } from 'node:path';
import type Dockerode from 'dockerode';
import { splitMountFields, toEngineMount } from '../../engine/mounts';
import type { MountSpec } from '../types';
import { cut, type FlagUse, InvalidFlagValue, parseBoolean, type ParseState } from './flag';
import { parseByteSize } from './units';

/**
 * `--mount`, read as docker's MountOpt reads it (docker/cli opts/mount.go).
 * The shared toEngineMount converts type, source, target and consistency.
 * This module checks every field as docker does, and adds the bind, volume
 * and tmpfs options that toEngineMount leaves out.
 */

/** The Engine API's option objects, which dockerode's types only partly declare. */
interface BindOptions {
  Propagation?: string;
  NonRecursive?: boolean;
  ReadOnlyNonRecursive?: boolean;
  ReadOnlyForceRecursive?: boolean;
}
interface VolumeOptions {
  NoCopy: boolean;
  Labels: Record<string, string>;
  DriverConfig: { Name: string; Options: Record<string, string> };
  Subpath?: string;
}
interface TmpfsOptions {
  SizeBytes?: number;
  Mode?: number;
}

interface ParsedMount {
  type: string;
  source?: string;
  target?: string;
  consistency?: string;
  readOnly: boolean;
  bind?: BindOptions;
  volume?: VolumeOptions;
  tmpfs?: TmpfsOptions;
}

const mountFix = 'Write comma-separated key=value fields, for example type=bind,source=/host/path,target=/container/path.';

export function addMount(use: FlagUse, state: ParseState): void {
  const parsed = parseMountFields(use.value);
  checkMount(parsed);

  if (parsed.type === 'bind' && parsed.source?.startsWith('.')) {
    // Docker resolves this against its working directory, which a runtime
    // does not share with the user, so the config's folder takes its place.
    parsed.source = resolve(state.folder, parsed.source);
  }

  const spec: Record<string, string> = { type: parsed.type };
  for (const key of ['source', 'target', 'consistency'] as const) {
    if (parsed[key] !== undefined) {
      spec[key] = parsed[key] as string;
    }
  }
  const mount = toEngineMount(spec as MountSpec, { file: state.file, jsonPath: `runArgs[${use.index}]` });

  delete mount.ReadOnly;
  if (parsed.readOnly) {
    mount.ReadOnly = true;
  }
  if (parsed.bind) {
    mount.BindOptions = parsed.bind as Dockerode.MountSettings['BindOptions'];
  }
  if (parsed.volume) {
    mount.VolumeOptions = parsed.volume;
  }
  if (parsed.tmpfs) {
    mount.TmpfsOptions = parsed.tmpfs as Dockerode.MountSettings['TmpfsOptions'];
  }
  state.options.mounts.push(mount);
}

function parseMountFields(value: string): ParsedMount {
  const parsed: ParsedMount = { type: 'volume', readOnly: false };
  const bind = (): BindOptions => (parsed.bind ??= {});
  const volume = (): VolumeOptions =>
    (parsed.volume ??= { NoCopy: false, Labels: {}, DriverConfig: { Name: '', Options: {} } });
  const tmpfs = (): TmpfsOptions => (parsed.tmpfs ??= {});

  for (const field of splitMountFields(value)) {
    const { before, after: text, found } = cut(field, '=');
    const key = before.toLowerCase();
    if (!found) {
      if (key === 'readonly' || key === 'ro') {
        parsed.readOnly = true;
      } else if (key === 'volume-nocopy') {
        volume().NoCopy = true;
      } else if (key === 'bind-nonrecursive') {
        bind().NonRecursive = true;
      } else {
        throw new InvalidFlagValue(`the field "${field}" is not a key=value pair.`, mountFix);
      }
      continue;
    }

    switch (key) {
      case 'type':
        parsed.type = text.toLowerCase();
        break;
      case 'source':
      case 'src':
        parsed.source = text;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        parsed.target = text;
        break;
      case 'readonly':
      case 'ro':
        parsed.readOnly = booleanField(key, text);
        break;
      case 'consistency':
        parsed.consistency = text.toLowerCase();
        break;
      case 'bind-propagation':
        bind().Propagation = text.toLowerCase();
        break;
      case 'bind-nonrecursive':
        bind().NonRecursive = booleanField(key, text);
        break;
      case 'bind-recursive':
        setBindRecursion(bind(), text);
        break;
      case 'volume-subpath':
        volume().Subpath = text;
        break;
      case 'volume-nocopy':
        volume().NoCopy = booleanField(key, text);
        break;
      case 'volume-label':
        setPair(volume().Labels, text);
        break;
      case 'volume-driver':
        volume().DriverConfig.Name = text;
        break;
      case 'volume-opt':
        setPair(volume().DriverConfig.Options, text);
        break;
      case 'tmpfs-size':
        tmpfs().SizeBytes = tmpfsSize(text);
        break;
      case 'tmpfs-mode':
        tmpfs().Mode = tmpfsMode(text);
        break;
      default:
        throw new InvalidFlagValue(`the field "${field}" has an unknown key "${key}".`, mountFix);
    }
  }
  return parsed;
}

/** Rejects the field combinations that docker rejects after reading every field. */
function checkMount(parsed: ParsedMount): void {
  if (parsed.type === '') {
    throw new InvalidFlagValue('the mount type is empty.', 'Write type=bind, type=volume or type=tmpfs.');
  }
  if (!parsed.target) {
    throw new InvalidFlagValue('the mount has no target.', 'Add target=/path/in/container.');
  }

  const mixed: Array<[unknown, string]> = [
    [parsed.volume, 'volume'],
    [parsed.bind, 'bind'],
    [parsed.tmpfs, 'tmpfs'],
  ];
  for (const [options, type] of mixed) {
    if (options && parsed.type !== type) {
      throw new InvalidFlagValue(
        `"${type}-*" fields only apply to type=${type}, but this mount has type=${parsed.type}.`,
        `Remove the ${type}-* fields or set type=${type}.`,
      );
    }
  }

  const bind = parsed.bind;
  if ((bind?.ReadOnlyNonRecursive || bind?.ReadOnlyForceRecursive) && !parsed.readOnly) {
    throw new InvalidFlagValue('bind-recursive=writable and bind-recursive=readonly need a read-only mount.', 'Add readonly.');
  }
  if (bind?.ReadOnlyForceRecursive && bind.Propagation !== 'rprivate') {
    throw new InvalidFlagValue('bind-recursive=readonly needs private propagation.', 'Add bind-propagation=rprivate.');
  }
}

function setBindRecursion(bind: BindOptions, text: string): void {
  if (text === 'disabled') {
    bind.NonRecursive = true;
  } else if (text === 'writable') {
    bind.ReadOnlyNonRecursive = true;
  } else if (text === 'readonly') {
    bind.ReadOnlyForceRecursive = true;
  } else if (text !== 'enabled') {
    throw new InvalidFlagValue(
      `"${text}" is not a value of bind-recursive.`,
      'Use enabled, disabled, writable or readonly.',
    );
  }
}

function booleanField(key: string, text: string): boolean {
  const value = parseBoolean(text);
  if (value === undefined) {
    throw new InvalidFlagValue(`"${text}" is not a boolean for ${key}.`, `Write ${key}=true or ${key}=false.`);
  }
  return value;
}

/** Adds `name=value` to a map, as docker does for volume-label and volume-opt. An empty name is ignored. */
function setPair(target: Record<string, string>, text: string): void {
  const { before: name, after: value } = cut(text, '=');
  if (name !== '') {
    target[name] = value;
  }
}

function tmpfsSize(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) {
    throw new InvalidFlagValue(`"${text}" is not a size for tmpfs-size.`, 'Write a size such as 64m or 1g.');
  }
  return bytes;
}

function tmpfsMode(text: string): number {
  const mode = /^[0-7]+$/.test(text) ? parseInt(text, 8) : Number.NaN;
  if (!(mode <= 0xffffffff)) {
    throw new InvalidFlagValue(`"${text}" is not an octal mode for tmpfs-mode.`, 'Write an octal mode such as 1777.');
  }
  return mode;
}
