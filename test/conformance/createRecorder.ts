import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Engine socket the recorder forwards to, which is also dockerode's default. */
const engineSocket = '/var/run/docker.sock';

/** Maximum bytes of one connection's requests kept while looking for a create request. */
const maxBufferedBytes = 4 * 1024 * 1024;

const createRequestLine = /POST \S*\/containers\/create\S* HTTP\/1\.[01]\r\n/;

/**
 * A unix socket that forwards every byte to the engine unchanged and keeps
 * the JSON body of each `POST /containers/create`. Our CLI removes a
 * container that fails to start, so this body is the only record of what it
 * asked the engine for. Bodies sent with chunked transfer encoding are not
 * parsed.
 */
export class CreateRequestRecorder {
  readonly socketPath: string;
  readonly createBodies: Record<string, unknown>[] = [];
  private readonly folder: string;
  private readonly server: net.Server;
  private readonly connections = new Set<net.Socket>();

  constructor() {
    this.folder = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-engine-'));
    this.socketPath = path.join(this.folder, 'engine.sock');
    this.server = net.createServer((client) => this.forward(client));
  }

  /** `DOCKER_HOST` value that sends our CLI through the recorder. */
  get dockerHost(): string {
    return `unix://${this.socketPath}`;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.folder, { recursive: true, force: true });
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(engineSocket);
    this.connections.add(client).add(upstream);
    let pending = Buffer.alloc(0);

    client.on('data', (chunk: Buffer) => {
      if (pending.length < maxBufferedBytes) {
        pending = this.takeCreateBodies(Buffer.concat([pending, chunk]));
      }
    });
    client.pipe(upstream);
    upstream.pipe(client);

    const close = () => {
      client.destroy();
      upstream.destroy();
      this.connections.delete(client);
      this.connections.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  }

  /** Records each complete create request in `data` and returns the bytes still to be examined. */
  private takeCreateBodies(data: Buffer): Buffer {
    let rest = data;
    for (;;) {
      const text = rest.toString('latin1');
      const match = createRequestLine.exec(text);
      if (!match) {
        // Keep a tail long enough to hold a request line split across chunks.
        return rest.subarray(Math.max(0, rest.length - 512));
      }
      const headersEnd = text.indexOf('\r\n\r\n', match.index);
      if (headersEnd < 0) return rest.subarray(match.index);
      const headers = text.slice(match.index, headersEnd);
      const lengthHeader = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
      if (!lengthHeader) return rest.subarray(headersEnd + 4);
      const bodyStart = headersEnd + 4;
      const bodyEnd = bodyStart + Number(lengthHeader[1]);
      if (rest.length < bodyEnd) return rest.subarray(match.index);
      try {
        this.createBodies.push(JSON.parse(rest.subarray(bodyStart, bodyEnd).toString('utf8')) as Record<string, unknown>);
      } catch {
        this.createBodies.push({ unparsedBody: rest.subarray(bodyStart, bodyEnd).toString('utf8') });
      }
      rest = rest.subarray(bodyEnd);
    }
  }
}
