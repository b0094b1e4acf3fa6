import { cut, type FlagUse, InvalidFlagValue, isAbsoluteContainerPath, type ParseState, requireBoolean } from './flag';

/**
 * Flags that set a single property of the container: name, host name, user,
 * working directory, entrypoint, labels, namespaces and the boolean flags.
 */

/** The engine's rule for container names. */
const containerNamePattern = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function setName(use: FlagUse, state: ParseState): void {
  if (use.value !== '' && !containerNamePattern.test(use.value)) {
    throw new InvalidFlagValue(
      `"${use.value}" is not a container name.`,
      'Use at least two characters from letters, digits, "_", "." and "-", starting with a letter or digit.',
    );
  }
  state.options.name = use.value;
}

export function setHostname(use: FlagUse, state: ParseState): void {
  state.options.hostname = use.value;
}

export function setUser(use: FlagUse, state: ParseState): void {
  state.options.user = use.value;
}

export function setWorkingDir(use: FlagUse, state: ParseState): void {
  if (use.value !== '' && !isAbsoluteContainerPath(use.value)) {
    throw new InvalidFlagValue(`"${use.value}" is not an absolute path.`, 'Give an absolute path in the container.');
  }
  state.options.workingDir = use.value;
}

/** Docker sends `[value]`, and `['']` for an empty value, which resets the image's entrypoint. */
export function setEntrypoint(use: FlagUse, state: ParseState): void {
  state.options.entrypoint = [use.value];
}

/** Adds `key=value`, or `key` with an empty value. A later label with the same key wins. */
export function addLabel(use: FlagUse, state: ParseState): void {
  const { before: key, after: value } = cut(use.value, '=');
  const trimmedKey = key.replace(/^[ \t]+/, '');
  if (trimmedKey === '') {
    throw new InvalidFlagValue(`the label "${use.value}" has an empty key.`, 'Write key=value or key.');
  }
  if (/[ \t]/.test(trimmedKey)) {
    throw new InvalidFlagValue(`the label key "${trimmedKey}" contains whitespace.`, 'Write key=value with no space in the key.');
  }
  state.options.labels[key] = value;
}

/** Returns true for `container:<name or id>`. */
function isContainerReference(mode: string): boolean {
  const { before, after, found } = cut(mode, ':');
  return found && before === 'container' && after !== '';
}

export function setIpcMode(use: FlagUse, state: ParseState): void {
  const mode = use.value;
  if (!['', 'none', 'private', 'shareable', 'host'].includes(mode) && !isContainerReference(mode)) {
    throw new InvalidFlagValue(
      `"${mode}" is not an IPC mode.`,
      'Use none, private, shareable, host or container:<name>.',
    );
  }
  state.options.ipcMode = mode;
}

export function setPidMode(use: FlagUse, state: ParseState): void {
  const mode = use.value;
  if (mode !== '' && mode !== 'host' && !isContainerReference(mode)) {
    throw new InvalidFlagValue(`"${mode}" is not a PID mode.`, 'Use host or container:<name>.');
  }
  state.options.pidMode = mode;
}

export function setUsernsMode(use: FlagUse, state: ParseState): void {
  const mode = use.value;
  if (mode !== '' && mode !== 'host') {
    throw new InvalidFlagValue(`"${mode}" is not a user namespace mode.`, 'Use host, or leave the flag out.');
  }
  state.options.usernsMode = mode;
}

export function setPrivileged(use: FlagUse, state: ParseState): void {
  state.options.privileged = requireBoolean(use);
}

export function setInit(use: FlagUse, state: ParseState): void {
  state.options.init = requireBoolean(use);
}

/**
 * Checks and then ignores -i, -t, --rm and -d. People copy them from a docker
 * run command line, but they change nothing here: the runtime keeps the
 * container running and removes it itself, and every process, the editor's
 * included, attaches through exec with its own stdin and terminal.
 */
export function ignoreLifetimeFlag(use: FlagUse): void {
  requireBoolean(use);
}
