import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRegistryOptions {
  /** `bearer` serves a token endpoint at /token that checks the Basic credentials. */
  auth: 'none' | 'basic' | 'bearer';
  username?: string;
  password?: string;
  /** Tags per page of /tags/list, to exercise Link pagination. */
  tagsPerPage?: number;
  /** Bearer realm to name in challenges instead of this server's own /token. */
  realm?: string;
  /** Bearer token to issue and accept; a random one when omitted. */
  token?: string;
}

/**
 * An in-memory OCI distribution server on 127.0.0.1, for unit tests of the
 * registry client: manifests, blobs (served through a redirect), uploads,
 * paginated tag lists, and Basic or token authentication.
 */
export class FakeRegistry {
  readonly manifests = new Map<string, Buffer>();
  readonly blobs = new Map<string, Buffer>();
  readonly requests: string[] = [];
  /** The Authorization header of each /token request, undefined when none was sent. */
  readonly tokenAuthorizations: (string | undefined)[] = [];
  private readonly server: http.Server;
  private readonly uploads = new Map<string, string>();
  private readonly token: string;
  host = '';

  constructor(private readonly options: FakeRegistryOptions) {
    this.token = options.token ?? `token-${randomUUID()}`;
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.handle(request, response, Buffer.concat(chunks)));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.host;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private authorised(request: http.IncomingMessage): boolean {
    const header = request.headers.authorization ?? '';
    const basic = `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`;
    if (this.options.auth === 'none') return true;
    if (this.options.auth === 'basic') return header === basic;
    return header === `Bearer ${this.token}`;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse, body: Buffer): void {
    const url = new URL(request.url ?? '/', `http://${this.host}`);
    this.requests.push(`${request.method} ${url.pathname}`);
    if (url.pathname === '/token') {
      this.tokenAuthorizations.push(request.headers.authorization);
      const basic = `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`;
      if (request.headers.authorization !== basic) return this.send(response, 401, { errors: [{ code: 'DENIED' }] });
      return this.send(response, 200, { token: this.token });
    }
    if (url.pathname.startsWith('/storage/')) {
      return this.sendBytes(response, this.blobs.get(url.pathname.slice('/storage/'.length)));
    }
    if (!this.authorised(request)) {
      const challenge =
        this.options.auth === 'basic'
          ? 'Basic realm="fake"'
          : `Bearer realm="${this.options.realm ?? `http://${this.host}/token`}",service="fake-registry"`;
      response.setHeader('www-authenticate', challenge);
      return this.send(response, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
    }
    if (url.pathname.startsWith('/upload/') && request.method === 'PUT') {
      const digest = url.searchParams.get('digest') ?? '';
      if (`sha256:${createHash('sha256').update(body).digest('hex')}` !== digest) return this.send(response, 400, { errors: [{ code: 'DIGEST_INVALID' }] });
      this.blobs.set(digest, body);
      response.setHeader('location', `/v2/blobs/${digest}`);
      return this.send(response, 201, {});
    }

    const match = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    if (!match) return this.send(response, 404, { errors: [{ code: 'NOT_FOUND' }] });
    const [, repository, kind, rest] = match;
    if (kind === 'manifests') {
      const key = `${repository}:${rest}`;
      if (request.method === 'PUT') {
        this.manifests.set(key, body);
        this.manifests.set(`${repository}:sha256:${createHash('sha256').update(body).digest('hex')}`, body);
        return this.send(response, 201, {});
      }
      return this.sendBytes(response, this.manifests.get(key), request.method === 'HEAD');
    }
    if (kind === 'blobs' && rest === 'uploads/' && request.method === 'POST') {
      const id = randomUUID();
      this.uploads.set(id, repository);
      response.setHeader('location', `/upload/${id}?state=abc`);
      return this.send(response, 202, {});
    }
    if (kind === 'blobs') {
      if (!this.blobs.has(rest)) return this.send(response, 404, { errors: [{ code: 'BLOB_UNKNOWN' }] });
      if (request.method === 'HEAD') return this.sendBytes(response, this.blobs.get(rest), true);
      response.setHeader('location', `/storage/${rest}`);
      return this.send(response, 307, {});
    }
    return this.sendTags(response, repository, url);
  }

  private sendTags(response: http.ServerResponse, repository: string, url: URL): void {
    const tags = [...this.manifests.keys()]
      .filter((key) => key.startsWith(`${repository}:`) && !key.includes('sha256:'))
      .map((key) => key.slice(repository.length + 1))
      .sort();
    const start = Number(url.searchParams.get('last') ? tags.indexOf(url.searchParams.get('last') as string) + 1 : 0);
    const size = this.options.tagsPerPage ?? 1000;
    const page = tags.slice(start, start + size);
    if (start + size < tags.length) {
      response.setHeader('link', `</v2/${repository}/tags/list?n=${size}&last=${page[page.length - 1]}>; rel="next"`);
    }
    this.send(response, 200, { name: repository, tags: page });
  }

  private send(response: http.ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  private sendBytes(response: http.ServerResponse, bytes: Buffer | undefined, headOnly = false): void {
    if (!bytes) return this.send(response, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
    response.writeHead(200, { 'content-length': bytes.length });
    response.end(headOnly ? undefined : bytes);
  }
}
