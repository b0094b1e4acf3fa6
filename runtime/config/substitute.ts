import { createHash } from 'node:crypto';
import * as path from 'node:path';

/** Values the `${...}` variables of devcontainer.json expand to on the host. */
export interface LocalVariables {
  localWorkspaceFolder: string;
  containerWorkspaceFolder?: string;
  devcontainerId?: string;
  env: NodeJS.ProcessEnv;
}

const variablePattern = /\$\{([^}]+)\}/g;

/**
 * Expands one string. `${localEnv:NAME:default}` takes everything after the
 * second colon as the default, so defaults may contain colons. Variables this
 * step cannot resolve (such as `${containerEnv:NAME}`, which needs the
 * running container) are left as written.
 */
export function substituteString(value: string, variables: LocalVariables): string {
  return value.replace(variablePattern, (match, body: string) => {
    const [kind, ...rest] = body.split(':');
    switch (kind) {
      case 'localWorkspaceFolder':
        return variables.localWorkspaceFolder;
      case 'localWorkspaceFolderBasename':
        return path.basename(variables.localWorkspaceFolder);
      case 'containerWorkspaceFolder':
        return variables.containerWorkspaceFolder ?? match;
      case 'containerWorkspaceFolderBasename':
        return variables.containerWorkspaceFolder
          ? path.posix.basename(variables.containerWorkspaceFolder)
          : match;
      case 'devcontainerId':
        return variables.devcontainerId ?? match;
      case 'localEnv':
      case 'env': {
        if (rest.length === 0) {
          return match;
        }
        const [name, ...defaultParts] = rest;
        return variables.env[name] ?? defaultParts.join(':');
      }
      default:
        return match;
    }
  });
}

/** Expands every string in a JSON value, keys included, returning a copy. */
export function substituteDeep<T>(value: T, variables: LocalVariables): T {
  return mapStrings(value, (text) => substituteString(text, variables)) as T;
}

/**
 * Expands `${containerEnv:NAME[:default]}` with the environment read from the
 * running container. Used for remoteEnv, the only place the spec allows it.
 */
export function substituteContainerEnv(value: string, containerEnv: Record<string, string>): string {
  return value.replace(variablePattern, (match, body: string) => {
    const [kind, name, ...defaultParts] = body.split(':');
    if (kind !== 'containerEnv' || name === undefined) {
      return match;
    }
    return containerEnv[name] ?? defaultParts.join(':');
  });
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') {
    return map(value);
  }
  if (Array.isArray(value)) {
    return value.map((item) => mapStrings(item, map));
  }
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[map(key)] = mapStrings(item, map);
    }
    return result;
  }
  return value;
}

/**
 * Computes `${devcontainerId}` as the spec defines it: the SHA-256 of the
 * JSON of the identifying labels with sorted keys, written in base 32 and
 * left-padded with zeros to 52 characters.
 */
export function computeDevcontainerId(labels: Record<string, string>): string {
  const json = JSON.stringify(labels, Object.keys(labels).sort());
  const digest = createHash('sha256').update(json, 'utf8').digest('hex');
  return BigInt(`0x${digest}`).toString(32).padStart(52, '0');
}
