import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readFeatureManifest } from './manifestFile';
import { optionEnvName } from './options';
import type { FeatureTestCase } from './testCase';
import type { FeatureOptionDeclaration } from './types';

export interface DuplicateCaseOptions {
  /** Folder with `src/<id>` Features. */
  sourceFolder: string;
  /** Folder with `test/<id>` tests. */
  testFolder: string;
  id: string;
  baseImage: string;
  /** Picks random non-default values instead of the first ones (`--permit-randomization`). */
  permitRandomization?: boolean;
  /** Source of randomness in [0, 1); Math.random when omitted. */
  random?: () => number;
}

/**
 * Builds the duplicate test of one Feature, as the reference CLI's
 * `features test` runs it. The Feature is installed twice on the base image,
 * once with non-default option values and once with its defaults. Then
 * `test/<id>/duplicate.sh` runs with each chosen value in the option's
 * variable and each default in `<NAME>__DEFAULT`. Returns undefined when the
 * Feature has no duplicate.sh.
 */
export async function duplicateTestCase(options: DuplicateCaseOptions): Promise<FeatureTestCase | undefined> {
  const folder = path.join(options.testFolder, options.id);
  if (!(await exists(path.join(folder, 'duplicate.sh')))) return undefined;

  const manifest = await readFeatureManifest(path.join(options.sourceFolder, options.id), options.id);
  const declarations = manifest.options ?? {};
  const chosen = nonDefaultOptions(declarations, { permitRandomization: options.permitRandomization, random: options.random });
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(chosen)) env[optionEnvName(name)] = String(value);
  for (const [name, declaration] of Object.entries(declarations)) {
    if (declaration.default !== undefined) env[`${optionEnvName(name)}__DEFAULT`] = String(declaration.default);
  }

  const copy = `${options.id}-0`;
  return {
    name: `${options.id} executed twice with randomized options`,
    testFolder: folder,
    script: 'duplicate.sh',
    config: { image: options.baseImage, features: { [options.id]: chosen, [copy]: {} } },
    featureCopies: { [copy]: options.id },
    env,
    definedIn: `the duplicate test of Feature ${options.id} (${path.join(options.sourceFolder, options.id)} installed twice on ${options.baseImage})`,
  };
}

export interface NonDefaultOptionsSettings {
  permitRandomization?: boolean;
  random?: () => number;
}

/**
 * Chooses a value other than the default for each option that offers one. A
 * boolean gets its negated default. A string with `enum` or `proposals` gets
 * the first listed value, or a random one with permitRandomization, and the
 * next one when that is the default. Strings with neither list get no entry.
 */
export function nonDefaultOptions(
  declarations: Record<string, FeatureOptionDeclaration>,
  settings: NonDefaultOptionsSettings = {},
): Record<string, string | boolean> {
  const random = settings.random ?? Math.random;
  const chosen: Record<string, string | boolean> = {};
  for (const [name, declaration] of Object.entries(declarations)) {
    if (declaration.type === 'boolean') {
      chosen[name] = !declaration.default;
      continue;
    }
    const values = declaration.enum?.length ? declaration.enum : declaration.proposals;
    if (declaration.type !== 'string' || !values?.length) continue;

    const defaultIndex = declaration.default === undefined ? 0 : values.indexOf(String(declaration.default));
    let index = settings.permitRandomization ? Math.floor(random() * values.length) : 0;
    if (index === defaultIndex) index = (index + 1) % values.length;
    chosen[name] = values[index];
  }
  return chosen;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
