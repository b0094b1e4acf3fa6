import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import type { ComposeFile } from './files';

/** A volume of a service, from the short (`source:target:mode`) or long syntax. */
export interface ComposeVolume {
  type: string;
  /** Host path (relative paths resolved against the project folder) or volume name; absent for anonymous volumes. */
  source?: string;
  target: string;
}

/** The parts of a merged service definition the runtime acts on. */
export interface ComposeService {
  name: string;
  image?: string;
  /** Present when compose builds the service's image. */
  build?: { context: string; dockerfile?: string; target?: string };
  entrypoint?: string | string[];
  command?: string | string[];
  user?: string;
  profiles: string[];
  volumes: ComposeVolume[];
  /** `environment` as a mapping, where a name without a value maps to an empty string. */
  environment: Record<string, string>;
  /** `env_file` paths as written, without the optional ones (`required: false`). */
  envFiles: string[];
  /** The last file that defines the service, for messages. */
  file: string;
  /**
   * Bind mounts that `extends` brought in from a file in another folder:
   * short-syntax entries as rewritten with absolute sources, and long-syntax
   * entries by target with the folder of their file. podman-compose 1.0.3
   * resolves them against the first file's folder instead.
   */
  extendedBinds: ExtendedBinds;
}

/** The parts of a project's compose files the runtime reads, merged in order. */
export interface ComposeModel {
  files: string[];
  /** The folder of the first file, which relative paths in every file are resolved against. */
  projectFolder: string;
  /** Top-level `name:`, from the last file that sets it. */
  name?: string;
  /** Top-level `version:` of the first file, as written, when it has one. */
  version?: string;
  services: Map<string, ComposeService>;
}

export interface ExtendedBinds {
  short: string[];
  long: { target: string; folder: string }[];
}

type RawService = Record<string, unknown> & { __file: string; __extendedBinds?: ExtendedBinds };

/**
 * Merges parsed compose files the way Docker Compose does for the fields the
 * runtime reads: later files override single values, `volumes` merge by
 * target, `env_file` entries add up, and `extends` pulls in another service,
 * from `extended` when it names another file.
 */
export function mergeComposeFiles(parsed: ComposeFile[], extended: ExtendedFiles = new Map()): ComposeModel {
  const raw = new Map<string, RawService>();
  let name: string | undefined;
  for (const { file, content } of parsed) {
    if (typeof content.name === 'string' && content.name !== '') name = content.name;
    for (const [serviceName, definition] of Object.entries(servicesOf(content, file))) {
      raw.set(serviceName, mergeRaw(raw.get(serviceName), { ...definition, __file: file }));
    }
  }

  const projectFolder = path.dirname(parsed[0].file);
  const version = parsed[0].content.version;
  const services = new Map<string, ComposeService>();
  for (const serviceName of raw.keys()) {
    services.set(serviceName, toService(serviceName, resolveExtends(serviceName, raw, [], extended), projectFolder));
  }
  return {
    files: parsed.map((item) => item.file),
    projectFolder,
    name,
    version: version === undefined || version === null ? undefined : String(version),
    services,
  };
}

/** Returns the services a plain `up` starts: those without profiles, and those with an active profile. */
export function servicesForProfiles(model: ComposeModel, activeProfiles: string[]): string[] {
  const active = new Set(activeProfiles);
  return [...model.services.values()]
    .filter((service) => service.profiles.length === 0 || active.has('*') || service.profiles.some((profile) => active.has(profile)))
    .map((service) => service.name);
}

function servicesOf(content: Record<string, unknown>, file: string): Record<string, Record<string, unknown>> {
  const services = content.services ?? {};
  if (typeof services !== 'object' || services === null || Array.isArray(services)) {
    throw new ConfigurationError(`Invalid compose file ${file}: "services" must be a mapping of service names to definitions.`, { file, jsonPath: 'services' });
  }
  const result: Record<string, Record<string, unknown>> = {};
  for (const [serviceName, definition] of Object.entries(services)) {
    if (definition !== null && (typeof definition !== 'object' || Array.isArray(definition))) {
      throw new ConfigurationError(`Invalid compose file ${file}: service "${serviceName}" must be a mapping.`, { file, jsonPath: `services.${serviceName}` });
    }
    result[serviceName] = (definition ?? {}) as Record<string, unknown>;
  }
  return result;
}

function mergeRaw(base: RawService | undefined, override: RawService): RawService {
  if (!base) return override;
  const merged: RawService = { ...base, ...override };
  if (base.build !== undefined && override.build !== undefined) {
    merged.build = { ...buildObject(base.build), ...buildObject(override.build) };
  }
  if (Array.isArray(base.volumes) && Array.isArray(override.volumes)) {
    const overridden = new Set(override.volumes.map((volume) => volumeTarget(volume)));
    merged.volumes = [...base.volumes.filter((volume) => !overridden.has(volumeTarget(volume))), ...override.volumes];
  }
  if (base.environment !== undefined && override.environment !== undefined) {
    merged.environment = { ...environmentOf(base.environment), ...environmentOf(override.environment) };
  }
  if (base.env_file !== undefined && override.env_file !== undefined) {
    merged.env_file = [...listOf(base.env_file), ...listOf(override.env_file)];
  }
  return merged;
}

/** Compose files that `extends: { file }` names, by absolute path, read with the same variables as the project's files. */
export type ExtendedFiles = Map<string, ComposeFile>;

/**
 * Returns the absolute path of the file an `extends` names, or undefined
 * when it extends a service of the same files. The path is relative to the
 * folder of the file that declares the `extends`.
 */
export function extendedFilePath(extendsValue: unknown, declaringFile: string): string | undefined {
  if (typeof extendsValue !== 'object' || extendsValue === null) return undefined;
  const file = (extendsValue as { file?: unknown }).file;
  return file === undefined || file === null ? undefined : path.resolve(path.dirname(declaringFile), String(file));
}

/**
 * Applies `extends` beneath a service: a service of the same files, or with
 * `file`, a service of another file, read on its own as Docker Compose does.
 * The relative paths of a service from another file (build context, bind
 * mounts, env files) are made absolute against that file's folder.
 */
function resolveExtends(serviceName: string, raw: Map<string, RawService>, chain: string[], extended: ExtendedFiles): RawService {
  const service = raw.get(serviceName) as RawService;
  const extendsValue = service.extends;
  if (extendsValue === undefined) return service;
  const link = `${service.__file}#${serviceName}`;
  if (chain.includes(link)) {
    throw new ConfigurationError(
      `Compose services extend each other in a loop: ${[...chain, link].join(' -> ')}. Remove one of these "extends".`,
      { file: service.__file, jsonPath: `services.${serviceName}.extends` },
    );
  }
  const target = typeof extendsValue === 'string' ? { service: extendsValue } : (extendsValue as { service?: unknown });
  const baseName = String(target.service);
  const baseFile = extendedFilePath(extendsValue, service.__file);
  const where = baseFile ?? 'no compose file';

  let base: RawService;
  if (baseFile === undefined) {
    if (!raw.has(baseName)) throw missingBase(serviceName, service.__file, baseName, where);
    base = resolveExtends(baseName, raw, [...chain, link], extended);
  } else {
    const parsed = extended.get(baseFile);
    if (!parsed) {
      throw new ConfigurationError(
        `Service "${serviceName}" in ${service.__file} extends a service in ${baseFile}, which was not found. Fix "extends.file", which is relative to the folder of ${service.__file}.`,
        { file: service.__file, jsonPath: `services.${serviceName}.extends.file` },
      );
    }
    const fileServices = rawServices(parsed);
    if (!fileServices.has(baseName)) throw missingBase(serviceName, service.__file, baseName, where);
    base = rebasePaths(resolveExtends(baseName, fileServices, [...chain, link], extended), path.dirname(baseFile));
  }
  const { extends: _ignored, ...own } = service;
  return mergeRaw({ ...base }, own as RawService);
}

function missingBase(serviceName: string, file: string, baseName: string, where: string): ConfigurationError {
  const source = where === 'no compose file' ? 'no compose file defines' : `${where} does not define`;
  return new ConfigurationError(`Service "${serviceName}" in ${file} extends "${baseName}", which ${source}. Fix "extends.service".`, {
    file,
    jsonPath: `services.${serviceName}.extends`,
  });
}

function rawServices(parsed: ComposeFile): Map<string, RawService> {
  return new Map(Object.entries(servicesOf(parsed.content, parsed.file)).map(([name, definition]) => [name, { ...definition, __file: parsed.file }]));
}

/** Makes the relative build context, bind mount sources and env files of a service absolute against `folder`. */
function rebasePaths(service: RawService, folder: string): RawService {
  const rebased: RawService = { ...service };
  const absolute = (value: string) => (path.isAbsolute(value) || value.startsWith('~') ? value : path.resolve(folder, value));
  if (service.build !== undefined) {
    const build = buildObject(service.build);
    const context = String(build.context ?? '.');
    // A URL context (git repository, tarball) stays as written.
    rebased.build = { ...build, context: /^[a-z][a-z0-9+.-]*:\/\//i.test(context) ? context : absolute(context) };
  }
  if (Array.isArray(service.volumes)) {
    const extendedBinds: ExtendedBinds = { short: [], long: [] };
    rebased.volumes = service.volumes.map((volume) => {
      if (typeof volume === 'object' && volume !== null) {
        const long = volume as { type?: string; source?: string; target?: string };
        if (long.type !== 'bind' || !long.source) return volume;
        if (!path.isAbsolute(long.source) && long.target) extendedBinds.long.push({ target: long.target, folder });
        return { ...long, source: absolute(long.source) };
      }
      const [source, ...rest] = String(volume).split(':');
      if (rest.length === 0 || !source.startsWith('.')) return volume;
      const entry = [absolute(source), ...rest].join(':');
      extendedBinds.short.push(entry);
      return entry;
    });
    rebased.__extendedBinds = extendedBinds;
  }
  if (service.env_file !== undefined) {
    rebased.env_file = listOf(service.env_file).map((entry) => {
      if (typeof entry === 'object' && entry !== null) {
        const long = entry as { path?: unknown };
        return long.path === undefined ? entry : { ...long, path: absolute(String(long.path)) };
      }
      return absolute(String(entry));
    });
  }
  return rebased;
}

function toService(serviceName: string, raw: RawService, projectFolder: string): ComposeService {
  const build = raw.build === undefined ? undefined : buildObject(raw.build);
  return {
    name: serviceName,
    image: typeof raw.image === 'string' ? raw.image : undefined,
    build: build ? { context: String(build.context ?? '.'), dockerfile: optionalString(build.dockerfile), target: optionalString(build.target) } : undefined,
    entrypoint: commandValue(raw.entrypoint),
    command: commandValue(raw.command),
    user: raw.user === undefined ? undefined : String(raw.user),
    profiles: listOf(raw.profiles).map(String),
    volumes: listOf(raw.volumes).map((volume) => parseVolume(volume, projectFolder)).filter((volume): volume is ComposeVolume => volume !== undefined),
    environment: environmentOf(raw.environment),
    envFiles: listOf(raw.env_file).flatMap((entry) => requiredEnvFile(entry)),
    file: raw.__file,
    extendedBinds: remainingExtendedBinds(raw),
  };
}

/** Keeps the extended bind mounts that the extending service did not replace with its own. */
function remainingExtendedBinds(raw: RawService): ExtendedBinds {
  const volumes = listOf(raw.volumes);
  const binds = raw.__extendedBinds ?? { short: [], long: [] };
  return {
    short: binds.short.filter((entry) => volumes.includes(entry)),
    long: binds.long.filter(({ target }) =>
      volumes.some((volume) => typeof volume === 'object' && volume !== null && (volume as { target?: string }).target === target),
    ),
  };
}

/** Reads `environment` in its mapping form or its list form (`NAME=value`, or `NAME` alone). */
function environmentOf(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry) => {
        const text = String(entry);
        const equals = text.indexOf('=');
        return equals === -1 ? [text, ''] : [text.slice(0, equals), text.slice(equals + 1)];
      }),
    );
  }
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, item === null || item === undefined ? '' : String(item)]));
}

/** Returns an `env_file` entry's path, or none for the long form with `required: false`. */
function requiredEnvFile(entry: unknown): string[] {
  if (typeof entry !== 'object' || entry === null) return [String(entry)];
  const long = entry as { path?: unknown; required?: unknown };
  return long.required === false || long.path === undefined ? [] : [String(long.path)];
}

function buildObject(build: unknown): Record<string, unknown> {
  return typeof build === 'string' ? { context: build } : ((build ?? {}) as Record<string, unknown>);
}

function parseVolume(volume: unknown, projectFolder: string): ComposeVolume | undefined {
  if (typeof volume === 'object' && volume !== null) {
    const long = volume as { type?: string; source?: string; target?: string };
    if (!long.target) return undefined;
    const type = long.type ?? 'volume';
    const source = type === 'bind' && long.source ? path.resolve(projectFolder, long.source) : long.source;
    return { type, source, target: long.target };
  }
  const parts = String(volume).split(':');
  if (parts.length === 1) return { type: 'volume', target: parts[0] };
  const [source, target] = parts;
  if (source.startsWith('~')) return { type: 'bind', source: path.join(os.homedir(), source.slice(1)), target };
  const isPath = source.startsWith('.') || source.startsWith('/');
  return isPath ? { type: 'bind', source: path.resolve(projectFolder, source), target } : { type: 'volume', source, target };
}

function volumeTarget(volume: unknown): string | undefined {
  if (typeof volume === 'object' && volume !== null) return (volume as { target?: string }).target;
  const parts = String(volume).split(':');
  return parts.length === 1 ? parts[0] : parts[1];
}

function commandValue(value: unknown): string | string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.map(String) : String(value);
}

function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
