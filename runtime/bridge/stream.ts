import { type Duplex, PassThrough, type Readable, Writable } from 'node:stream';
import type { Engine } from '../engine/client';
import { startExec } from '../engine/exec';
import forwarderSource from './forwarder.in-container.js';

export interface ContainerPortOptions {
  engine: Engine;
  containerId: string;
  /** User the relay runs as in the container. */
  user: string;
  /**
   * Path of a node binary in the container, which runs the forwarder script.
   * Give this or `netcat`.
   */
  node?: string;
  /**
   * A netcat-style command in the container that takes HOST PORT as its last
   * two arguments and relays its stdin and stdout, such as
   * `['/opt/devcontainer-open/bin/busybox', 'nc']`. Used when `node` is not given.
   */
  netcat?: string[];
  /** Host name or address to connect to, resolved inside the container. Default 127.0.0.1. */
  host?: string;
  /** TCP port on that host. */
  port: number;
}

/** A byte stream to a port in the container, carried by one exec. */
export interface ContainerPortStream {
  /** Bytes to the port. Ending it half-closes the connection. */
  input: Duplex;
  /** Bytes from the port. Ends when the relay exits. */
  output: Readable;
  /** The last lines the relay wrote on stderr, such as a connection error. */
  stderrTail(): string;
  destroy(): void;
}

/** Bytes of the relay's stderr kept for messages. */
const stderrLimit = 4096;

/**
 * Starts an exec of a relay that connects its stdin and stdout to
 * `HOST:PORT` as seen from inside the container (the node forwarder script,
 * or a netcat-style command), and returns the two directions as streams.
 * No container port is published.
 */
export async function openContainerPortStream(options: ContainerPortOptions): Promise<ContainerPortStream> {
  // The engine attaches the exec's stdin only when one is given. This stream
  // is never read; the caller writes to `input` instead.
  const stdinPlaceholder = new PassThrough();
  const { stream } = await startExec(options.engine, options.containerId, {
    ...relayCommand(options),
    user: options.user,
    stdin: stdinPlaceholder,
  });

  const output = new PassThrough();
  let stderr = '';
  const stderrSink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stderr = (stderr + chunk.toString('utf8')).slice(-stderrLimit);
      callback();
    },
  });
  options.engine.docker.modem.demuxStream(stream, pausingWriter(output, stream), stderrSink);

  stream.on('end', () => output.end());
  stream.on('close', () => output.end());
  stream.on('error', (error) => output.destroy(error));

  return {
    input: stream,
    output,
    stderrTail: () => stderr.trim(),
    destroy() {
      stream.destroy();
      output.destroy();
    },
  };
}

/** Builds the relay's command line and environment from the options. */
function relayCommand(options: ContainerPortOptions): { cmd: string[]; env?: Record<string, string> } {
  const host = options.host ?? '127.0.0.1';
  if (options.node !== undefined) {
    return {
      cmd: [options.node, '-e', forwarderSource],
      env: { DEVCONTAINER_FORWARD_HOST: host, DEVCONTAINER_FORWARD_PORT: String(options.port) },
    };
  }
  if (options.netcat !== undefined && options.netcat.length > 0) {
    return { cmd: [...options.netcat, host, String(options.port)] };
  }
  throw new TypeError('openContainerPortStream needs either `node` or `netcat` to relay the connection.');
}

/**
 * Creates a writer for demuxStream, which ignores backpressure. The writer
 * pauses `source` while `target` is full and resumes it on drain, so a slow
 * reader does not make the output pile up in memory.
 */
export function pausingWriter(target: Writable, source: Readable): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (target.destroyed || target.writableEnded) {
        callback();
        return;
      }
      if (!target.write(chunk) && !source.isPaused()) {
        source.pause();
        target.once('drain', () => source.resume());
      }
      callback();
    },
  });
}
