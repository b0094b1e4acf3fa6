import { CancelledError, EnvironmentError } from '../errors';
import type { Logger } from '../log';
import { basicAuthorization, parseAuthChallenge, requestBearerToken } from './auth';
import { findRegistryCredential, type RegistryCredential } from './credentials';
import { type AuthHostAllowlist, authHostAllowlist } from './realm';
import { formatOciReference, type OciReference, registryBaseUrl } from './reference';

export interface RegistrySessionOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT';
  /** A path below the registry (`/v2/…`) or an absolute URL, such as an upload location. */
  url: string;
  reference: OciReference;
  /** `pull` for reads, `pull,push` for publishing. */
  actions: 'pull' | 'pull,push';
  /** Purpose of the request in words, for log lines and errors: `fetching the manifest`. */
  purpose: string;
  headers?: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
}

const maxRedirects = 5;

/**
 * Sends registry requests with authentication: on a 401 it reads the
 * challenge, finds the user's credential for the registry, and retries once
 * with Basic or Bearer authorization. Authorization values are kept per
 * registry and repository for later requests, and are never logged.
 */
export class RegistrySession {
  private readonly authorizations = new Map<string, string>();
  private readonly credentials = new Map<string, Promise<RegistryCredential | undefined>>();
  private allowlist: AuthHostAllowlist | undefined;

  constructor(private readonly options: RegistrySessionOptions) {}

  get logger(): Logger {
    return this.options.logger;
  }

  async send(request: RegistryRequest): Promise<Response> {
    const key = `${request.reference.registry}/${request.reference.path} ${request.actions}`;
    const first = await this.sendOnce(request, this.authorizations.get(key));
    if (first.status !== 401) {
      return first;
    }

    const challenge = parseAuthChallenge(first.headers.get('www-authenticate'));
    await first.body?.cancel();
    const credential = await this.credentialFor(request.reference.registry, request.signal);
    let authorization: string | undefined;
    if (challenge?.scheme === 'basic' && credential?.kind === 'basic') {
      authorization = basicAuthorization(credential.username, credential.password);
    } else if (challenge?.scheme === 'bearer') {
      const token = await requestBearerToken({
        challenge,
        registry: request.reference.registry,
        allowlist: this.authHostAllowlist(),
        scope: `repository:${request.reference.path}:${request.actions}`,
        credential,
        logger: this.logger,
        signal: request.signal,
      });
      if (!token.ok) {
        const status = token.realmRejected ? undefined : (token.status ?? 401);
        throw this.failure(request, status, `authentication failed because ${token.reason}`);
      }
      authorization = `Bearer ${token.token}`;
    }
    if (!authorization) {
      throw this.failure(
        request,
        401,
        credential ? 'the registry asks for an authentication scheme the credential does not fit' : 'the registry requires credentials and none were found',
      );
    }
    this.authorizations.set(key, authorization);
    const second = await this.sendOnce(request, authorization);
    if (second.status === 401 || second.status === 403) {
      await second.body?.cancel();
      throw this.failure(request, second.status, 'the registry rejected the credentials');
    }
    return second;
  }

  /**
   * Builds the EnvironmentError for a failed registry request: it names the
   * reference, the registry and the status, and never the credentials.
   */
  failure(request: RegistryRequest, status: number | undefined, reason: string, cause?: unknown): EnvironmentError {
    const registry = request.reference.registry;
    const advice =
      status === 401 || status === 403
        ? ` Log in to ${registry} (an "auths" or credential helper entry in the Docker config, or DEVCONTAINERS_OCI_AUTH${registry === 'ghcr.io' ? ', or GITHUB_TOKEN' : ''}) with an account that may ${request.actions === 'pull' ? 'read' : 'write'} ${request.reference.path}.`
        : status === 404
          ? ' Check the reference: the registry has no such repository, tag or digest.'
          : '';
    return new EnvironmentError(
      `Registry request failed while ${request.purpose} for ${formatOciReference(request.reference)} at registry ${registry}` +
        `${status !== undefined ? ` (HTTP ${status})` : ''}: ${reason}.${advice}`,
      { endpoint: registryBaseUrl(registry), objectId: formatOciReference(request.reference), status },
      cause === undefined ? undefined : { cause },
    );
  }

  private authHostAllowlist(): AuthHostAllowlist {
    this.allowlist ??= authHostAllowlist(this.options.env ?? process.env);
    return this.allowlist;
  }

  private credentialFor(registry: string, signal: AbortSignal | undefined): Promise<RegistryCredential | undefined> {
    let found = this.credentials.get(registry);
    if (!found) {
      found = findRegistryCredential(registry, { logger: this.logger, env: this.options.env, signal });
      this.credentials.set(registry, found);
    }
    return found;
  }

  /** Sends one request and follows redirects by hand, so Authorization never goes to another origin. */
  private async sendOnce(request: RegistryRequest, authorization: string | undefined): Promise<Response> {
    let url = new URL(request.url, registryBaseUrl(request.reference.registry));
    const origin = url.origin;
    for (let redirects = 0; ; redirects++) {
      const headers: Record<string, string> = { 'user-agent': 'devcontainer-open', ...request.headers };
      if (authorization && url.origin === origin) {
        headers.authorization = authorization;
      }
      this.logger.debug(`${request.method} ${url.origin}${url.pathname}`);
      let response: Response;
      try {
        response = await fetch(url, {
          method: request.method,
          headers,
          body: request.body,
          redirect: 'manual',
          signal: request.signal,
        });
      } catch (error) {
        if (request.signal?.aborted) throw new CancelledError();
        const cause = (error as { cause?: Error }).cause;
        throw this.failure(request, undefined, `the registry could not be reached (${cause?.message ?? (error as Error).message})`, error);
      }
      const location = response.headers.get('location');
      const isRedirect = [301, 302, 303, 307, 308].includes(response.status) && location;
      if (!isRedirect || request.method === 'PUT' || request.method === 'POST') {
        return response;
      }
      await response.body?.cancel();
      if (redirects >= maxRedirects) {
        throw this.failure(request, response.status, `more than ${maxRedirects} redirects`);
      }
      url = new URL(location, url);
    }
  }
}

/** Reads a registry's error body (`{"errors":[{"code","message"}]}`) as one line of text. */
export async function registryErrorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const parts = (body.errors ?? []).map((error) => [error.code, error.message].filter(Boolean).join(': '));
    if (parts.length > 0) return parts.join('; ');
  } catch {
    // Not JSON: fall back to the status text.
  }
  return response.statusText || 'no details';
}
