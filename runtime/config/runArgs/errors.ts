import { ConfigurationError } from '../../errors';
import type { FlagUse, InvalidFlagValue } from './flag';

/**
 * The configuration errors for runArgs. Each names the element's index, the
 * file and what to change. Values are quoted, except environment variable
 * values and the text after "=" in a misplaced element, which may be secrets.
 */

/** Docker run flags the runtime does not map, with the devcontainer.json property that covers the same need. */
const propertyForFlag: Record<string, string> = {
  '--expose': 'forwardPorts',
  '--publish-all': 'forwardPorts',
  '-P': 'forwardPorts',
  '--volumes-from': 'mounts',
};

/** Flags that conflict with the runtime, which creates, starts and stops the container itself. */
const lifetimeFlags = new Set(['--restart', '--attach', '-a', '--sig-proxy', '--detach-keys']);

function location(file: string, index: number) {
  return { file, jsonPath: `runArgs[${index}]` };
}

/** Hides what follows the first "=", because an element like "-e TOKEN=abc" may contain a secret. */
function maskValue(text: string): string {
  const equals = text.indexOf('=');
  return equals < 0 ? text : `${text.slice(0, equals + 1)}…`;
}

function flagLabel(use: FlagUse): string {
  return use.spelling === use.flag ? use.flag : `${use.spelling} (${use.flag})`;
}

export function invalidValueError(use: FlagUse, file: string, error: InvalidFlagValue): ConfigurationError {
  return new ConfigurationError(
    `Invalid ${flagLabel(use)} in runArgs[${use.index}] of ${file}: ${error.reason} ${error.fix}`,
    location(file, use.index),
    { cause: error },
  );
}

export function missingValueError(spelling: string, index: number, file: string): ConfigurationError {
  return new ConfigurationError(
    `Flag ${spelling} in runArgs[${index}] of ${file} needs a value, but it is the last element. ` +
      `Add the value as the next element, or write ${spelling}=VALUE.`,
    location(file, index),
  );
}

/** Creates the error for an element with whitespace where docker expects a flag name, or right after a short flag. */
export function unsplitElementError(element: string, index: number, file: string): ConfigurationError {
  const [flag, ...rest] = element.trim().split(/\s+/);
  const value = maskValue(rest.join(' '));
  const example = rest.length > 0 ? ` Write "${flag}", "${value}" or "${flag}=${value}".` : '';
  return new ConfigurationError(
    `Invalid element "${maskValue(element)}" in runArgs[${index}] of ${file}: runArgs passes each element to docker as one ` +
      `argument without shell splitting, so a flag and its value must be separate elements or joined with "=".${example}`,
    location(file, index),
  );
}

/** `element` is the whole runArgs element when the flag is one letter of a group such as `-itx`. */
export function unsupportedFlagError(spelling: string, index: number, file: string, element = spelling): ConfigurationError {
  const property = propertyForFlag[spelling];
  let fix = 'Remove it.';
  if (property) {
    fix = `Remove it or use the devcontainer.json property "${property}".`;
  } else if (lifetimeFlags.has(spelling)) {
    fix = "Remove it, because the runtime manages the container's lifetime and attaches through exec.";
  }
  return new ConfigurationError(
    `Unsupported flag ${spelling}${element === spelling ? '' : ` (in "${element}")`} in runArgs[${index}] of ${file}: the runtime does not map this docker run flag ` +
      `onto the container. ${fix}`,
    location(file, index),
  );
}

export function badFlagSyntaxError(element: string, index: number, file: string): ConfigurationError {
  return new ConfigurationError(
    `Invalid flag "${element}" in runArgs[${index}] of ${file}: a long flag is two dashes and a name. ` +
      `Write it as --name or --name=value.`,
    location(file, index),
  );
}

export function positionalError(element: string, index: number, file: string): ConfigurationError {
  if (element === '--') {
    return new ConfigurationError(
      `Unexpected "--" in runArgs[${index}] of ${file}: it ends docker's flags, and the runtime itself supplies ` +
        `the image and command that would follow. Remove it.`,
      location(file, index),
    );
  }
  return new ConfigurationError(
    `Unexpected argument "${maskValue(element)}" in runArgs[${index}] of ${file}: runArgs contains only docker run flags ` +
      `and their values, because the runtime supplies the image and command. Remove it, or if it is a value, ` +
      `put the flag it belongs to in the element before it.`,
    location(file, index),
  );
}
