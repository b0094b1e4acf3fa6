import type { Logger } from '../log';
import type { RegistryCredential } from './credentials';
import { type AuthHostAllowlist, authHostsVariable, checkTokenRealm } from './realm';

/** A parsed `WWW-Authenticate` header of a registry's 401 response. */
export interface AuthChallenge {
  scheme: 'basic' | 'bearer';
  realm?: string;
  service?: string;
  scope?: string;
}

/**
 * Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.
 * Returns undefined for any other scheme.
 */
export function parseAuthChallenge(header: string | null): AuthChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;

  const parameters: Record<string, string> = {};
  for (const part of match[2].matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    parameters[part[1].toLowerCase()] = part[2] !== undefined ? part[2].replace(/\\(.)/g, '$1') : part[3];
  }
  return { scheme, realm: parameters.realm, service: parameters.service, scope: parameters.scope };
}

/** Returns the `Authorization` value for HTTP Basic authentication. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export interface TokenRequestOptions {
  challenge: AuthChallenge;
  /** Registry host and port that sent the challenge. */
  registry: string;
  /** Other hosts whose realms may receive the registry's credentials. */
  allowlist: AuthHostAllowlist;
  /** Scope to ask for when the challenge names none, e.g. `repository:ns/id:pull`. */
  scope: string;
  credential?: RegistryCredential;
  logger: Logger;
  signal?: AbortSignal;
}

export type TokenResult =
  | { ok: true; token: string }
  /** `realmRejected` when the realm failed checkTokenRealm, so no request was sent. */
  | { ok: false; status?: number; reason: string; realmRejected?: boolean };

/**
 * Requests a bearer token from the challenge's realm, following the
 * distribution token spec: a GET with Basic credentials, or an OAuth2
 * refresh-token POST for identity tokens. With no credential the GET is
 * anonymous, and so it is when the realm may not receive the credential
 * (see checkTokenRealm). The token is registered as a secret before it is
 * returned.
 */
export async function requestBearerToken(options: TokenRequestOptions): Promise<TokenResult> {
  const { challenge, registry } = options;
  if (!challenge.realm) {
    return { ok: false, reason: 'the registry sent a Bearer challenge without a realm' };
  }
  const checked = checkTokenRealm(challenge.realm, registry, options.allowlist);
  if (!checked.ok) {
    return { ok: false, reason: checked.reason, realmRejected: true };
  }
  const realm = checked.url;
  const realmText = `${realm.origin}${realm.pathname}`;
  const withheld = options.credential !== undefined && !checked.sendCredentials;
  const credential = checked.sendCredentials ? options.credential : undefined;
  const allowHint = withheld
    ? `; the credentials for ${registry} were not sent to it because the realm's host ${realm.host} is not ${registry}. ` +
      `If ${realm.host} is the token service of ${registry}, add "${registry}=${realm.host}" to ${authHostsVariable}`
    : '';
  if (withheld) {
    options.logger.warn(`Requesting a token for ${registry} from ${realmText} without the registry's credentials, because that host is not ${registry} and not in ${authHostsVariable}.`);
  }
  const scope = challenge.scope ?? options.scope;

  let response: Response;
  try {
    if (credential?.kind === 'identityToken') {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: 'devcontainer-open',
        refresh_token: credential.token,
        scope,
        ...(challenge.service ? { service: challenge.service } : {}),
      });
      // A redirect would carry the credential on to a host that checkTokenRealm did not check.
      response = await fetch(realm, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        redirect: 'error',
        signal: options.signal,
      });
    } else {
      if (challenge.service) realm.searchParams.set('service', challenge.service);
      realm.searchParams.set('scope', scope);
      const headers: Record<string, string> = {};
      if (credential?.kind === 'basic') {
        headers.authorization = basicAuthorization(credential.username, credential.password);
      }
      response = await fetch(realm, { headers, redirect: credential ? 'error' : 'follow', signal: options.signal });
    }
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const cause = (error as { cause?: Error }).cause;
    return { ok: false, reason: `the token realm ${realmText} could not be reached (${cause?.message ?? (error as Error).message})${allowHint}` };
  }

  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, status: response.status, reason: `the token realm ${realmText} returned HTTP ${response.status}${allowHint}` };
  }
  let body: { token?: string; access_token?: string };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    return { ok: false, reason: `the token realm ${realmText} returned a response that is not JSON` };
  }
  const token = body.token ?? body.access_token;
  if (!token) {
    return { ok: false, reason: `the token realm ${realmText} returned no token` };
  }
  options.logger.addSecret(token);
  return { ok: true, token };
}
