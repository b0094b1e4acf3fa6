import type { MountSettings } from 'dockerode';
import { ConfigurationError } from '../errors';
import type { MountSpec } from '../config/types';

/**
 * Splits Docker's `--mount` value, which is CSV: fields are separated by
 * commas, and a field in double quotes may contain commas (`""` is a quote).
 */
export function splitMountFields(value: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (quoted) {
      if (char === '"' && value[i + 1] === '"') {
        current += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        current += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      fields.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  fields.push(current);
  return fields.filter((field) => field.length > 0);
}

/**
 * Converts a mount from devcontainer.json (the `--mount` string form or the
 * object form) into the Engine API's Mount object.
 */
export function toEngineMount(spec: MountSpec, where: { file: string; jsonPath: string }): MountSettings {
  const fields: Record<string, string> = {};
  if (typeof spec === 'string') {
    for (const field of splitMountFields(spec)) {
      const equals = field.indexOf('=');
      const key = (equals < 0 ? field : field.slice(0, equals)).trim().toLowerCase();
      fields[key] = equals < 0 ? 'true' : field.slice(equals + 1);
    }
  } else {
    for (const [key, value] of Object.entries(spec)) {
      fields[key.toLowerCase()] = String(value);
    }
  }

  const type = fields.type ?? 'volume';
  const source = fields.source ?? fields.src;
  const target = fields.target ?? fields.destination ?? fields.dst;
  if (!target) {
    throw new ConfigurationError(
      `Invalid mount in ${where.file} at ${where.jsonPath}: no target. Add "target=/path/in/container".`,
      where,
    );
  }
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
    throw new ConfigurationError(
      `Invalid mount in ${where.file} at ${where.jsonPath}: unknown type "${type}". Use bind, volume or tmpfs.`,
      where,
    );
  }
  if (type === 'bind' && !source) {
    throw new ConfigurationError(
      `Invalid mount in ${where.file} at ${where.jsonPath}: a bind mount needs "source".`,
      where,
    );
  }

  const mount: MountSettings = { Type: type, Source: source ?? '', Target: target };
  const readonly = fields.readonly ?? fields.ro;
  if (readonly !== undefined && readonly !== 'false' && readonly !== '0') {
    mount.ReadOnly = true;
  }
  if (fields.consistency) {
    mount.Consistency = fields.consistency as MountSettings['Consistency'];
  }
  return mount;
}
