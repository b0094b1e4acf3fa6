import type { Logger } from '../log';
import type { RegistryCredential } from './credentials';

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
  /** Scope to ask for when the challenge names none, e.g. `repository:ns/id:pull`. */
  scope: string;
  credential?: RegistryCredential;
  logger: Logger;
  signal?: AbortSignal;
}

export type TokenResult =
  | { ok: true; token: string }
  | { ok: false; status?: number; reason: string };

/**
 * Requests a bearer token from the challenge's realm, following the
 * distribution token spec: a GET with Basic credentials, or an OAuth2
 * refresh-token POST for identity tokens. With no credential the GET is
 * anonymous. The token is registered as a secret before it is returned.
 */
export async function requestBearerToken(options: TokenRequestOptions): Promise<TokenResult> {
  const { challenge, credential } = options;
  if (!challenge.realm) {
    return { ok: false, reason: 'the registry sent a Bearer challenge without a realm' };
  }
  let realm: URL;
  try {
    realm = new URL(challenge.realm);
  } catch {
    return { ok: false, reason: `the token realm "${challenge.realm}" is not a URL` };
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
      response = await fetch(realm, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal: options.signal,
      });
    } else {
      if (challenge.service) realm.searchParams.set('service', challenge.service);
      realm.searchParams.set('scope', scope);
      const headers: Record<string, string> = {};
      if (credential?.kind === 'basic') {
        headers.authorization = basicAuthorization(credential.username, credential.password);
      }
      response = await fetch(realm, { headers, signal: options.signal });
    }
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { ok: false, reason: `the token service ${realm.origin} could not be reached (${(error as Error).message})` };
  }

  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, status: response.status, reason: `the token service ${realm.origin} returned HTTP ${response.status}` };
  }
  let body: { token?: string; access_token?: string };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    return { ok: false, reason: `the token service ${realm.origin} returned a response that is not JSON` };
  }
  const token = body.token ?? body.access_token;
  if (!token) {
    return { ok: false, reason: `the token service ${realm.origin} returned no token` };
  }
  options.logger.addSecret(token);
  return { ok: true, token };
}
