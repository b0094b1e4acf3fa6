import { ConfigurationError } from '../errors';
import type { Logger } from '../log';
import type { FeatureManifest, RawOptions } from './types';

export type OptionValue = string | boolean;

export interface OptionContext {
  /** The Feature's key in devcontainer.json, for messages. */
  userId: string;
  /** devcontainer.json, for error locations. */
  configFile: string;
  /** The Feature's devcontainer-feature.json, named when its own default is invalid. */
  manifestFile?: string;
  logger: Logger;
}

/**
 * Turns the value a configuration gives a Feature into option values: `true`
 * or `{}` means all defaults, a string is the legacy shorthand for the
 * `version` option, and an object sets options by name.
 */
export function normaliseOptionValues(value: unknown): RawOptions {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return value as RawOptions;
  }
  if (typeof value === 'string') {
    return { version: value };
  }
  return {};
}

/**
 * Types and defaults option values as the Feature declares them. A boolean
 * option takes true or false (or the strings "true" and "false"); a string
 * option takes a string (a number is written out), and one of its `enum`
 * values when it has an enum. Options the Feature does not declare are passed
 * through as strings with a warning, as the reference CLI passes them.
 */
export function typeOptionValues(manifest: FeatureManifest, chosen: RawOptions, context: OptionContext): Record<string, OptionValue> {
  const declarations = manifest.options ?? {};
  const typed: Record<string, OptionValue> = {};
  for (const [name, declaration] of Object.entries(declarations)) {
    const given = chosen[name];
    const value = given === undefined ? declaration.default : given;
    if (value === undefined) continue;
    const fail = (expected: string): never => {
      if (given === undefined) {
        // The value is the Feature's own default, so devcontainer.json is not at fault.
        const manifestFile = context.manifestFile ?? `the devcontainer-feature.json of ${context.userId}`;
        throw new ConfigurationError(
          `Invalid default ${JSON.stringify(value)} of option "${name}" in ${manifestFile} (Feature ${context.userId}): expected ${expected}. ` +
            `Set "${name}" for ${context.userId} in ${context.configFile}, and report the default to the Feature's author.`,
          { file: context.manifestFile ?? context.configFile, jsonPath: `options.${name}.default` },
        );
      }
      throw new ConfigurationError(
        `Invalid value ${JSON.stringify(value)} for option "${name}" of Feature ${context.userId} in ${context.configFile}: expected ${expected}.`,
        { file: context.configFile, jsonPath: `features.${context.userId}.${name}` },
      );
    };

    if (declaration.type === 'boolean') {
      if (typeof value === 'boolean') typed[name] = value;
      else if (value === 'true' || value === 'false') typed[name] = value === 'true';
      else fail('true or false');
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      fail('a string');
    }
    const text = String(value);
    if (declaration.enum && !declaration.enum.includes(text)) {
      fail(`one of ${declaration.enum.map((item) => JSON.stringify(item)).join(', ')}`);
    }
    typed[name] = text;
  }

  for (const [name, value] of Object.entries(chosen)) {
    if (name in declarations) continue;
    context.logger.warn(`Feature ${context.userId} declares no option "${name}"; passing it to install.sh as ${optionEnvName(name)}.`);
    typed[name] = typeof value === 'boolean' ? value : String(value);
  }
  return typed;
}

/**
 * The environment variable install.sh reads for an option, by the Features
 * spec's rule: characters other than letters, digits and `_` become `_`, a
 * leading run of digits and underscores becomes one `_`, and the result is
 * upper-cased. `myOption-1` becomes `MYOPTION_1`.
 */
export function optionEnvName(name: string): string {
  return name.replace(/[^\w_]/g, '_').replace(/^[\d_]+/g, '_').toUpperCase();
}

/** Maps typed option values to install.sh's environment: booleans as `true` and `false`. */
export function optionEnvironment(values: Record<string, OptionValue>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    env[optionEnvName(name)] = String(value);
  }
  return env;
}

/**
 * Compares two option sets the way Feature equality needs: same keys and
 * equal values. Returns 0 when equal, and a stable order otherwise.
 */
export function compareOptions(a: RawOptions, b: RawOptions): number {
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  if (keysA.length !== keysB.length) return keysA.length - keysB.length;
  for (let index = 0; index < keysA.length; index++) {
    if (keysA[index] !== keysB[index]) return keysA[index].localeCompare(keysB[index]);
    const left = JSON.stringify(a[keysA[index]]) ?? '';
    const right = JSON.stringify(b[keysB[index]]) ?? '';
    if (left !== right) return left.localeCompare(right);
  }
  return 0;
}
