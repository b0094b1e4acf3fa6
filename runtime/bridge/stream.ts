import { type Duplex, PassThrough, type Readable, Writable } from 'node:stream';
import type { Engine } from '../engine/client';
import { startExec } from '../engine/exec';
import forwarderSource from './forwarder.in-container.js';

export interface ContainerPortOptions {
  engine: Engine;
  containerId: string;
  /** User the forwarder runs as in the container. */
  user: string;
  /** Path of a node binary in the container. */
  node: string;
  /** TCP port on the container's loopback interface. */
  port: number;
}

/** A byte stream to a port in the container, carried by one exec. */
export interface ContainerPortStream {
  /** Bytes to the port. Ending it half-closes the connection. */
  input: Duplex;
  /** Bytes from the port. Ends when the forwarder exits. */
  output: Readable;
  /** The last lines the forwarder wrote on stderr, such as a connection error. */
  stderrTail(): string;
  destroy(): void;
}

/** Bytes of the forwarder's stderr kept for messages. */
const stderrLimit = 4096;

/**
 * Starts an exec of the forwarder script, which connects its stdin and stdout
 * to `127.0.0.1:PORT` inside the container, and returns the two directions as
 * streams. No container port is published.
 */
export async function openContainerPortStream(options: ContainerPortOptions): Promise<ContainerPortStream> {
  // The engine attaches the exec's stdin only when one is given. This stream
  // is never read; the caller writes to `input` instead.
  const stdinPlaceholder = new PassThrough();
  const { stream } = await startExec(options.engine, options.containerId, {
    cmd: [options.node, '-e', forwarderSource],
    user: options.user,
    env: { DEVCONTAINER_FORWARD_PORT: String(options.port) },
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

/**
 * Creates the stdout writer for demuxStream, which ignores backpressure. The
 * writer pauses the exec stream while `target` is full and resumes it on
 * drain, so a slow reader does not make the output pile up in memory.
 */
function pausingWriter(target: PassThrough, source: Duplex): Writable {
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
