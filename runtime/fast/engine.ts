import * as net from 'node:net';
import { resolveEngineEndpoint, unixSocketPathOf } from '../engine/endpoint';

/**
 * A minimal Engine API client over a unix socket for the CLI's warm path:
 * JSON requests and the hijacked stream of an exec. It writes HTTP/1.1 on a
 * plain socket, one connection per request, because node:http's first
 * request took about 7 ms (loading the module and the first use of its host
 * and header checks, profiled with --cpu-prof on Node 20, 2 cores). It
 * raises on any unexpected reply, and the caller then hands the command to
 * the full runtime, which reports errors.
 */
export class SocketEngine {
  constructor(readonly socketPath: string) {}

  /** Sends a request and parses the JSON reply. Raises unless the status is 2xx and the engine is Docker. */
  async request<T>(method: 'GET' | 'POST', requestPath: string, body?: unknown): Promise<T> {
    const response = await this.checkedRequest(method, requestPath, body);
    return JSON.parse(decodeBody(response.headers, response.body).toString('utf8')) as T;
  }

  /** Sends a request whose reply has no body to read, such as an exec resize. Raises as `request` does. */
  async requestWithoutReply(method: 'GET' | 'POST', requestPath: string): Promise<void> {
    await this.checkedRequest(method, requestPath, undefined);
  }

  private async checkedRequest(method: 'GET' | 'POST', requestPath: string, body: unknown): Promise<RawResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const response = await this.send(requestHead(method, requestPath, payload, 'close'), payload, false);
    if (response.status < 200 || response.status > 299) {
      throw new Error(`${method} ${requestPath} returned HTTP ${response.status}`);
    }
    // Podman's Docker-compatible API differs in details that the full runtime
    // handles (runtime/engine/client.ts), so only Docker is served here.
    const server = response.headers.get('server') ?? '';
    if (!server.startsWith('Docker/')) {
      throw new Error(`the engine is not Docker (Server: ${server || 'none'})`);
    }
    return response;
  }

  /**
   * Starts a created exec and returns the connection the engine hands over
   * (HTTP upgrade), which carries the process's stdin and its output. The
   * body is the one dockerode sends for `exec.start({ hijack: true })`.
   */
  async startExec(execId: string, body: { stdin: boolean; Tty: boolean }): Promise<net.Socket> {
    const payload = JSON.stringify({ hijack: true, ...body });
    const response = await this.send(requestHead('POST', `/exec/${execId}/start`, payload, 'Upgrade'), payload, true);
    if (response.status !== 101 && response.status !== 200) {
      response.socket.destroy();
      throw new Error(`POST /exec/${execId.slice(0, 12)}/start returned HTTP ${response.status}`);
    }
    if (response.body.length > 0) {
      response.socket.unshift(response.body);
    }
    return response.socket;
  }

  /**
   * Writes one request and reads the reply. With `upgrade` set it reads up
   * to the end of the headers, and the socket then carries the stream.
   * Otherwise it reads to the end of the connection.
   */
  private send(head: string, payload: string | undefined, upgrade: boolean): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      const socket = net.createConnection(this.socketPath);
      const chunks: Buffer[] = [];
      let headers: ParsedHead | undefined;
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        if (!upgrade || headers) return;
        const received = Buffer.concat(chunks);
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        headers = parseHead(received.subarray(0, end).toString('latin1'));
        socket.off('data', onData);
        socket.off('error', reject);
        socket.pause();
        resolve({ ...headers, body: received.subarray(end + 4), socket });
      };
      socket.on('data', onData);
      socket.on('error', reject);
      socket.on('end', () => {
        if (upgrade) {
          reject(new Error('The engine closed the connection before it replied'));
          return;
        }
        const received = Buffer.concat(chunks);
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) {
          reject(new Error('The engine sent an incomplete reply'));
          return;
        }
        resolve({ ...parseHead(received.subarray(0, end).toString('latin1')), body: received.subarray(end + 4), socket });
      });
      socket.write(payload === undefined ? head : head + payload);
    });
  }
}

interface ParsedHead {
  status: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
}

interface RawResponse extends ParsedHead {
  body: Buffer;
  socket: net.Socket;
}

function requestHead(method: string, requestPath: string, payload: string | undefined, connection: 'close' | 'Upgrade'): string {
  const lines = [`${method} ${requestPath} HTTP/1.1`, 'Host: docker', `Connection: ${connection}`];
  if (connection === 'Upgrade') lines.push('Upgrade: tcp');
  if (payload !== undefined) {
    lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function parseHead(text: string): ParsedHead {
  const [statusLine, ...lines] = text.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status, headers };
}

/** Returns the body of a complete reply, decoding chunked transfer encoding. */
export function decodeBody(headers: Map<string, string>, body: Buffer): Buffer {
  if (headers.get('transfer-encoding')?.toLowerCase() !== 'chunked') {
    return body;
  }
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error('The engine sent a truncated chunked reply');
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) throw new Error('The engine sent an invalid chunk size');
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (start + size > body.length) throw new Error('The engine sent a truncated chunked reply');
    parts.push(body.subarray(start, start + size));
    offset = start + size + 2;
  }
}

/**
 * Returns the unix socket of the engine that the full runtime would use
 * (resolveEngineEndpoint: DOCKER_HOST, then the docker CLI's context, then
 * /var/run/docker.sock), or undefined when the warm path does not reach that
 * engine itself: tcp:// with or without TLS, ssh://, and a context that
 * cannot be read, which the full runtime then reports.
 */
export function socketPathOf(env: NodeJS.ProcessEnv): string | undefined {
  let host: string;
  try {
    host = resolveEngineEndpoint(env).host;
  } catch {
    return undefined;
  }
  return unixSocketPathOf(host);
}

/** Splits the engine's multiplexed exec output into stdout and stderr frames, as docker-modem's demuxStream does. */
export function demultiplex(source: net.Socket, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void {
  let buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    while (buffer.length >= 8) {
      const type = buffer.readUInt8(0);
      if (type !== 0 && type !== 1 && type !== 2) {
        // Not a frame header: the output is not multiplexed, so pass the rest through unchanged.
        stdout.write(buffer);
        buffer = Buffer.alloc(0);
        source.off('data', onData);
        source.on('data', (rest: Buffer) => stdout.write(rest));
        return;
      }
      const length = buffer.readUInt32BE(4);
      if (buffer.length < 8 + length) {
        return;
      }
      const content = buffer.subarray(8, 8 + length);
      if (type === 1) {
        stdout.write(content);
      } else {
        stderr.write(content);
      }
      buffer = buffer.subarray(8 + length);
    }
  };
  source.on('data', onData);
}
