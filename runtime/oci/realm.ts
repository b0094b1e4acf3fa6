import { ConfigurationError } from '../errors';
import { registryScheme } from './reference';

/**
 * Environment variable that extends the hosts a registry's credentials may be
 * sent to for a token: comma-separated `registry-host=auth-host` pairs, the
 * format of the reference CLI's `--allow-cross-origin-auth-host` flag.
 */
export const authHostsVariable = 'DEVCONTAINERS_OCI_AUTH_HOSTS';

/**
 * Token services on another host that well-known registries use, as in the
 * reference CLI (`@devcontainers/cli` 0.89): Docker Hub and GitLab.com.
 */
const builtInAuthHosts = [
  'registry-1.docker.io=auth.docker.io',
  'registry.docker.io=auth.docker.io',
  'docker.io=auth.docker.io',
  'index.docker.io=auth.docker.io',
  'registry.gitlab.com=gitlab.com',
];

/** Registry host to the other hosts whose token realms get its credentials. */
export type AuthHostAllowlist = Map<string, Set<string>>;

/**
 * Builds the allowlist from the built-in pairs and the pairs in
 * DEVCONTAINERS_OCI_AUTH_HOSTS. Raises a ConfigurationError naming the
 * variable and the entry when an entry is not `registry-host=auth-host`.
 */
export function authHostAllowlist(env: NodeJS.ProcessEnv): AuthHostAllowlist {
  const allowlist: AuthHostAllowlist = new Map();
  const entries = [...builtInAuthHosts, ...(env[authHostsVariable] ?? '').split(',')];
  for (const entry of entries.map((item) => item.trim()).filter(Boolean)) {
    const parts = entry.split('=');
    if (parts.length !== 2 || !isHost(parts[0]) || !isHost(parts[1])) {
      throw new ConfigurationError(
        `Invalid entry "${entry}" in ${authHostsVariable}: expected registry-host=auth-host pairs separated by commas, ` +
          'for example "registry.example.com=auth.example.com" or "127.0.0.1:5000=127.0.0.1:5001".',
      );
    }
    const [registry, authHost] = parts.map((part) => part.toLowerCase());
    const hosts = allowlist.get(registry) ?? new Set<string>();
    hosts.add(authHost);
    allowlist.set(registry, hosts);
  }
  return allowlist;
}

function isHost(text: string): boolean {
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(text);
}

export type RealmCheck =
  | {
      ok: true;
      url: URL;
      /** Whether the registry's credentials may go to the realm: same host, or an allowlisted pair. */
      sendCredentials: boolean;
    }
  | { ok: false; reason: string };

/**
 * Checks the `realm` of a registry's Bearer challenge before any request goes
 * there. The realm must be https, or http when both the registry and the
 * realm are on loopback (test registries, which are plain http themselves).
 * Credentials may go to the realm only when its host, port included, is the
 * registry's host or an allowlisted auth host of the registry.
 */
export function checkTokenRealm(realm: string, registry: string, allowlist: AuthHostAllowlist): RealmCheck {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return { ok: false, reason: `the token realm "${realm}" is not a URL` };
  }

  const loopback = registryScheme(registry) === 'http' && registryScheme(url.host) === 'http';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return {
      ok: false,
      reason: `the token realm ${url.origin}${url.pathname} is not https; only a loopback registry may name a plain http realm, and only on loopback`,
    };
  }

  const realmHost = url.host.toLowerCase();
  const registryHost = registry.toLowerCase();
  const sendCredentials = realmHost === registryHost || (allowlist.get(registryHost)?.has(realmHost) ?? false);
  return { ok: true, url, sendCredentials };
}
