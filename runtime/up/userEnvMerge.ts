import type { MergedMetadata } from '../config/metadata';
import { resolveRemoteEnv } from './remoteEnv';

/**
 * Computes the environment for processes the runtime starts in the container
 * from the probed shell environment: the variables the probe changed, then
 * remoteEnv on top. Variables the container already has are left out unless
 * the probe or remoteEnv changes them, since every exec inherits them anyway.
 */
export function combineRemoteEnvironment(
  probed: Record<string, string>,
  containerEnvList: string[],
  remoteUser: string,
  remoteEnv: MergedMetadata['remoteEnv'],
): Record<string, string> {
  const containerEnv = toMap(containerEnvList);
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(probed)) {
    if (containerEnv[name] !== value) {
      environment[name] = value;
    }
  }
  if (probed.PATH !== undefined && containerEnv.PATH !== undefined) {
    environment.PATH = mergePath(probed.PATH, containerEnv.PATH, isRootUser(remoteUser));
    if (environment.PATH === containerEnv.PATH) delete environment.PATH;
  }

  return { ...environment, ...resolveRemoteEnv(remoteEnv, containerEnvList) };
}

/**
 * Merges the container's PATH into the login shell's. Each container entry
 * the shell dropped is put back after the container entry before it (or at
 * the front), so the image's order survives a profile that resets PATH;
 * entries the shell added stay where the shell put them. For a non-root
 * user, dropped `sbin` folders stay dropped, as a login shell intends.
 */
export function mergePath(shellPath: string, containerPath: string, isRoot = true): string {
  const entries = shellPath.split(':').filter((entry) => entry.length > 0);
  let insertAt = 0;
  for (const entry of containerPath.split(':')) {
    if (entry.length === 0) continue;
    const found = entries.indexOf(entry);
    if (found >= 0) {
      insertAt = found + 1;
    } else if (isRoot || !/\/sbin$/.test(entry)) {
      entries.splice(insertAt, 0, entry);
      insertAt++;
    }
  }
  return entries.join(':');
}

function isRootUser(user: string): boolean {
  const name = user.split(':')[0];
  return name === 'root' || name === '0';
}

function toMap(list: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of list) {
    const equals = entry.indexOf('=');
    if (equals > 0) map[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return map;
}
