import { resolve } from 'node:path';
import { messageOf } from '../../errors';
import { cut, type FlagUse, InvalidFlagValue, type ParseState } from './flag';

/** `--cap-add`, `--cap-drop` and `--security-opt`. */

/**
 * Adds a capability as written, as docker run does. The engine adds the
 * CAP_ prefix and upper-cases it.
 */
export function addCapability(use: FlagUse, state: ParseState): void {
  const list = use.flag === '--cap-add' ? state.options.capAdd : state.options.capDrop;
  if (use.value.trim() === '') {
    throw new InvalidFlagValue('the capability is empty.', `Give a capability name, for example ${use.flag}=SYS_PTRACE.`);
  }
  if (!list.includes(use.value)) {
    list.push(use.value);
  }
}

/** Names of the seccomp profiles built into the engine, which docker does not read from a file. */
const builtInSeccompProfiles = new Set(['builtin', 'unconfined']);

/**
 * Adds a security option written `key=value` (or the older `key:value`), or
 * `no-new-privileges` alone. As in docker, `seccomp=<file>` sends the file's
 * JSON content, and `systempaths=unconfined` turns off the engine's masked
 * and read-only paths instead of being sent.
 */
export function addSecurityOpt(use: FlagUse, state: ParseState): void {
  let option = use.value;
  let split = cut(option, '=');
  if (!split.found && split.before !== 'no-new-privileges') {
    split = cut(option, ':');
  }
  const { before: key, after: value, found } = split;
  if ((!found || value === '') && key !== 'no-new-privileges') {
    throw new InvalidFlagValue(
      `"${option}" is not a security option.`,
      'Write key=value, for example seccomp=unconfined, apparmor=unconfined or label=disable, or no-new-privileges.',
    );
  }

  if (option === 'systempaths=unconfined') {
    state.options.unconfinedSystemPaths = true;
    return;
  }
  if (key === 'seccomp' && !builtInSeccompProfiles.has(value)) {
    option = `seccomp=${readSeccompProfile(value, state)}`;
  }
  if (!state.options.securityOpt.includes(option)) {
    state.options.securityOpt.push(option);
  }
}

/**
 * Returns the profile as compact JSON. A relative path is resolved against
 * the folder of devcontainer.json, where docker would use its working
 * directory.
 */
function readSeccompProfile(file: string, state: ParseState): string {
  const path = resolve(state.folder, file);
  let text: string;
  try {
    text = state.readFile(path);
  } catch (error) {
    throw new InvalidFlagValue(
      `reading the seccomp profile "${path}" failed: ${messageOf(error)}.`,
      'Check the path. A relative path is resolved against the folder that contains devcontainer.json.',
      { cause: error },
    );
  }

  try {
    // NOTE: docker compacts the JSON text as written. Re-serializing gives the
    // same result except for number spellings such as 1.0, which seccomp
    // profiles do not use.
    return JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw new InvalidFlagValue(
      `the seccomp profile "${path}" is not valid JSON: ${messageOf(error)}.`,
      'Fix the profile, or use seccomp=unconfined.',
      { cause: error },
    );
  }
}
