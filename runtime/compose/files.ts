import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigurationError } from '../errors';
import type { LoadedConfig } from '../config/types';
import { interpolateDeep } from './interpolate';
import { extendedFilePath, type ExtendedFiles } from './model';

/** A compose file read, parsed and interpolated. */
export interface ComposeFile {
  /** Absolute path. */
  file: string;
  /** The top-level mapping with variables expanded. */
  content: Record<string, unknown>;
}

/**
 * Resolves `dockerComposeFile` (one path or several) against the folder of
 * devcontainer.json and checks that every file exists.
 */
export async function resolveComposeFiles(loaded: LoadedConfig): Promise<string[]> {
  const setting = loaded.config.dockerComposeFile;
  const entries = setting === undefined ? [] : Array.isArray(setting) ? setting : [setting];
  if (entries.length === 0) {
    throw new ConfigurationError(`"dockerComposeFile" in ${loaded.configFile} names no file. Name the compose file, for example "docker-compose.yml".`, {
      file: loaded.configFile,
      jsonPath: 'dockerComposeFile',
    });
  }

  const configFolder = path.dirname(loaded.configFile);
  const files: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const file = path.resolve(configFolder, entry);
    const jsonPath = Array.isArray(setting) ? `dockerComposeFile[${index}]` : 'dockerComposeFile';
    if (await isDirectory(file)) {
      throw new ConfigurationError(
        `Compose file ${file} (from "${jsonPath}": "${entry}" in ${loaded.configFile}) is a folder. ` +
          'Name the compose file in it, for example "docker-compose.yml".',
        { file: loaded.configFile, jsonPath },
      );
    }
    if (!(await isFile(file))) {
      throw new ConfigurationError(
        `Compose file not found: ${file} (from "${jsonPath}": "${entry}" in ${loaded.configFile}, ` +
          'which is relative to the folder of devcontainer.json). Fix the path or create the file.',
        { file: loaded.configFile, jsonPath },
      );
    }
    files.push(file);
  }
  return files;
}

/**
 * Reads and parses one compose file with js-yaml (anchors and `<<` merge keys
 * included) and expands its variables. An empty file counts as an empty
 * mapping, as Docker Compose treats it.
 */
export async function readComposeFile(file: string, variables: Record<string, string | undefined>): Promise<ComposeFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`Could not read compose file ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }

  let parsed: unknown;
  try {
    parsed = yaml.load(text, { filename: file });
  } catch (error) {
    const mark = (error as yaml.YAMLException).mark;
    const reason = (error as yaml.YAMLException).reason ?? (error as Error).message;
    const line = mark ? mark.line + 1 : undefined;
    const column = mark ? mark.column + 1 : undefined;
    throw new ConfigurationError(
      `Invalid YAML in compose file ${file}${line === undefined ? '' : ` at line ${line}, column ${column}`}: ${reason}.`,
      { file, line, column },
      { cause: error },
    );
  }
  if (parsed === undefined || parsed === null) {
    return { file, content: {} };
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigurationError(`Invalid compose file ${file}: the top level must be a mapping with a "services" key.`, { file });
  }
  return { file, content: interpolateDeep(parsed, variables, { file, path: '' }) as Record<string, unknown> };
}

/**
 * Reads the files that `extends: { file }` names in the project's files, and
 * the files those name in turn, each once. A missing file is left out, so
 * the merge reports it with the service that names it.
 */
export async function readExtendedFiles(parsed: ComposeFile[], variables: Record<string, string | undefined>): Promise<ExtendedFiles> {
  const extended: ExtendedFiles = new Map();
  const pending = [...parsed];
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    for (const definition of Object.values(servicesMapping(next.content))) {
      const file = extendedFilePath(definition?.extends, next.file);
      if (file === undefined || extended.has(file) || !(await isFile(file))) continue;
      const read = await readComposeFile(file, variables);
      extended.set(file, read);
      pending.push(read);
    }
  }
  return extended;
}

/** Returns the `services` mapping leniently; the merge reports a malformed one. */
function servicesMapping(content: Record<string, unknown>): Record<string, { extends?: unknown } | null> {
  const services = content.services;
  return typeof services === 'object' && services !== null && !Array.isArray(services) ? (services as Record<string, { extends?: unknown } | null>) : {};
}

async function isDirectory(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

export async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
