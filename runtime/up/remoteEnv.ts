import { substituteContainerEnv } from '../config/substitute';

/**
 * Resolves remoteEnv against the container's environment: expands
 * `${containerEnv:NAME}` and drops variables set to null, which the spec
 * uses to leave a variable unset.
 */
export function resolveRemoteEnv(
  remoteEnv: Record<string, string | null>,
  containerEnvList: string[],
): Record<string, string> {
  const containerEnv: Record<string, string> = {};
  for (const entry of containerEnvList) {
    const equals = entry.indexOf('=');
    if (equals > 0) {
      containerEnv[entry.slice(0, equals)] = entry.slice(equals + 1);
    }
  }

  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(remoteEnv)) {
    if (value !== null) {
      resolved[name] = substituteContainerEnv(value, containerEnv);
    }
  }
  return resolved;
}
