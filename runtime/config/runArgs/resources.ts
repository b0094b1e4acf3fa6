import { cut, type FlagUse, InvalidFlagValue, type ParseState } from './flag';
import { parseByteSize, parseNanoCpus } from './units';

/** `--shm-size`, `--memory` / `-m`, `--cpus`, `--ulimit` and `--sysctl`. */

const sizeFix = 'Write a number of bytes with an optional unit b, k, m or g (1k is 1024 bytes), for example 512m or 2g.';

export function setByteSize(use: FlagUse, state: ParseState): void {
  const bytes = parseByteSize(use.value);
  if (bytes === undefined) {
    throw new InvalidFlagValue(`"${use.value}" is not a size.`, sizeFix);
  }
  if (use.flag === '--shm-size') {
    state.options.shmSize = bytes;
  } else {
    state.options.memory = bytes;
  }
}

export function setCpus(use: FlagUse, state: ParseState): void {
  const nanoCpus = parseNanoCpus(use.value);
  if (nanoCpus === undefined || nanoCpus < 0) {
    throw new InvalidFlagValue(
      `"${use.value}" is not a CPU count of 0 or more with at most nine decimal places.`,
      'Write a decimal number of CPUs, for example 1.5.',
    );
  }
  state.options.nanoCpus = nanoCpus;
}

/** The resource names docker/go-units accepts. It leaves out "as", which does not work with the way docker starts a container. */
const ulimitNames = new Set([
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice',
  'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack',
]);

const ulimitFix = 'Write name=soft[:hard], for example nofile=1024:4096. A limit of "infinity" or -1 means unlimited.';

/** Adds `name=soft[:hard]`. The hard limit defaults to the soft one, and a later flag for a name replaces an earlier one. */
export function addUlimit(use: FlagUse, state: ParseState): void {
  const { before: name, after: limits, found } = cut(use.value, '=');
  if (!found) {
    throw new InvalidFlagValue(`"${use.value}" has no "=".`, ulimitFix);
  }
  if (!ulimitNames.has(name)) {
    throw new InvalidFlagValue(`"${name}" is not a resource limit.`, `Use one of: ${[...ulimitNames].join(', ')}.`);
  }

  const parts = limits.split(':');
  if (parts.length > 2) {
    throw new InvalidFlagValue(`"${limits}" has more than a soft and a hard limit.`, ulimitFix);
  }
  const soft = parseLimit(parts[0]);
  const hard = parts.length === 2 ? parseLimit(parts[1]) : soft;
  if (hard !== -1 && (soft === -1 || soft > hard)) {
    throw new InvalidFlagValue(`the soft limit ${parts[0]} is above the hard limit ${hard}.`, ulimitFix);
  }

  const ulimits = state.options.ulimits.filter((ulimit) => ulimit.Name !== name);
  ulimits.push({ Name: name, Soft: soft, Hard: hard });
  state.options.ulimits = ulimits;
}

function parseLimit(text: string): number {
  if (text === 'infinity') {
    return -1;
  }
  const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new InvalidFlagValue(`"${text}" is not a whole number.`, ulimitFix);
  }
  return value;
}

/** The namespaced kernel parameters docker allows a container to set. */
const allowedSysctls = new Set([
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem',
  'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced',
]);
const allowedSysctlPrefixes = ['net.', 'fs.mqueue.'];

export function addSysctl(use: FlagUse, state: ParseState): void {
  const { before: name, after: value, found } = cut(use.value, '=');
  const allowed = allowedSysctls.has(name) || allowedSysctlPrefixes.some((prefix) => name.startsWith(prefix));
  if (!found || !allowed) {
    throw new InvalidFlagValue(
      `"${use.value}" is not an allowed sysctl.`,
      'Write name=value for a net.*, fs.mqueue.* or kernel IPC parameter, for example net.ipv4.ip_forward=1.',
    );
  }
  state.options.sysctls[name] = value;
}
