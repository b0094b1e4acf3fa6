import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { type LoopbackRegistry, serveRegistry } from './registry';

export interface TokenRegistryOptions {
  /** Folder for the key, certificate, config and storage. The caller removes it. */
  folder: string;
  username: string;
  password: string;
}

export interface TokenRegistry extends LoopbackRegistry {
  /** `127.0.0.1:PORT` of the token server, the host of the registry's realm. */
  tokenAddress: string;
  /** One entry per token request: whether it carried the right Basic credentials, and the scopes asked for. */
  tokenRequests: { authenticated: boolean; scopes: string[] }[];
}

const service = 'feature-token-registry';
const issuer = 'feature-token-issuer';

/**
 * Starts Debian's docker-registry (distribution 2.8) on 127.0.0.1 with token
 * authentication, and a token server on another loopback port that checks
 * Basic credentials and grants every scope asked for. Tokens are RS256 JWTs
 * whose `x5c` header carries the signing certificate, which is the
 * registry's `rootcertbundle`, as distribution's token spec describes.
 * Requests without the right credentials get 401.
 */
export async function startTokenRegistry(options: TokenRegistryOptions): Promise<TokenRegistry> {
  const keyFile = path.join(options.folder, 'token.key');
  const certificateFile = path.join(options.folder, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certificateFile, '-days', '1', '-subj', `/CN=${issuer}`], {
    stdio: 'ignore',
  });
  const signer = tokenSigner(fs.readFileSync(keyFile), fs.readFileSync(certificateFile));
  const tokenRequests: TokenRegistry['tokenRequests'] = [];
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token.invalid');
    const scopes = url.searchParams.getAll('scope').flatMap((scope) => scope.split(' ')).filter(Boolean);
    const authenticated = request.headers.authorization === expected;
    tokenRequests.push({ authenticated, scopes });
    if (url.pathname !== '/token' || !authenticated) {
      response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="token server"' });
      response.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }] }));
      return;
    }
    const token = signer({ subject: options.username, audience: url.searchParams.get('service') ?? '', access: scopes.map(grant) });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tokenAddress = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const authLine = `auth: { token: { realm: "http://${tokenAddress}/token", service: ${service}, issuer: ${issuer}, rootcertbundle: ${certificateFile} } }`;
  let registry: LoopbackRegistry;
  try {
    registry = await serveRegistry(options.folder, authLine);
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    address: registry.address,
    tokenAddress,
    tokenRequests,
    stop: () => {
      registry.stop();
      server.close();
    },
  };
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

/** Grants a scope such as `repository:team/features/hello:pull,push` in full. */
function grant(scope: string): Access {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',') };
}

interface Claims {
  subject: string;
  audience: string;
  access: Access[];
}

function tokenSigner(keyPem: Buffer, certificatePem: Buffer): (claims: Claims) => string {
  const key = createPrivateKey(keyPem);
  const x5c = [new X509Certificate(certificatePem).raw.toString('base64')];
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return (claims) => {
    const now = Math.floor(Date.now() / 1000);
    const header = encode({ typ: 'JWT', alg: 'RS256', x5c });
    const payload = encode({
      iss: issuer,
      sub: claims.subject,
      aud: claims.audience,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: claims.access,
    });
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
    return `${header}.${payload}.${signature}`;
  };
}
