import { Duplex, PassThrough, Writable } from 'node:stream';
import type { Engine } from '../../engine/client';
import { startExec } from '../../engine/exec';
import { CancelledError, EnvironmentError } from '../../errors';
import type { Logger } from '../../log';
import { encodeData, encodeFrame, type Frame, FrameDecoder, FrameType } from './protocol';
import relaySource from './relay.in-container.js';

/** A unix socket the relay listens on in the container, and what handles its connections on the host. */
export interface RelaySocket {
  /** Letters, digits, `-` and `_`; the socket file is NAME.sock. */
  name: string;
  /** Called for each connection accepted on the socket, with a stream to it. */
  onConnection(stream: Duplex): void;
}

export interface RelayOptions {
  engine: Engine;
  containerId: string;
  /** The user that owns the sockets in the container. */
  user: string;
  /** Path of a node binary in the container. */
  node: string;
  sockets: RelaySocket[];
  logger: Logger;
  signal?: AbortSignal;
}

export interface Relay {
  /** The relay's private folder in the container, removed when the relay ends. */
  folder: string;
  /** Path in the container of each socket, by name. */
  socketPaths: Record<string, string>;
  /** Settles when the relay's exec has ended. */
  closed: Promise<void>;
  /** Stops the relay; the process in the container removes its folder. */
  close(): Promise<void>;
}

/** Milliseconds to wait for the relay to report its sockets. */
const readyTimeout = 20_000;
/** Milliseconds `close` waits for the process in the container to exit before it drops the connection. */
const closeTimeout = 5_000;
/** Bytes of the relay's stderr kept for messages. */
const stderrLimit = 4096;

/**
 * Starts the socket relay: one long-lived exec of relay.in-container.js,
 * whose stdin and stdout carry every connection accepted on its sockets.
 * Resolves once the sockets listen. The relay ends when `close` is called,
 * when the signal aborts or when the exec ends (the container stops).
 */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const logger = options.logger.child('relay');
  const handlers = new Map(options.sockets.map((socket) => [socket.name, socket]));
  const { stream } = await startExec(options.engine, options.containerId, {
    cmd: [options.node, '-e', relaySource],
    user: options.user,
    env: { DEVCONTAINER_RELAY_SOCKETS: options.sockets.map((socket) => socket.name).join(',') },
    stdin: new PassThrough(),
  });

  let stderr = '';
  const stderrSink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stderr = (stderr + chunk.toString('utf8')).slice(-stderrLimit);
      logger.debug(`relay stderr: ${chunk.toString('utf8').trim()}`);
      callback();
    },
  });
  const decoder = new FrameDecoder();
  const channels = new Map<number, RelayChannel>();
  let onReady: (value: { folder: string; sockets: Record<string, string> }) => void = () => undefined;
  const ready = new Promise<{ folder: string; sockets: Record<string, string> }>((resolve) => (onReady = resolve));

  const sendFrame = (frame: Buffer, callback?: () => void) => {
    if (stream.destroyed || stream.writableEnded) {
      callback?.();
      return;
    }
    if (stream.write(frame) || !callback) {
      callback?.();
    } else {
      stream.once('drain', callback);
    }
  };

  const handleFrame = (frame: Frame) => {
    if (frame.type === FrameType.ready) {
      onReady(JSON.parse(frame.payload.toString('utf8')) as { folder: string; sockets: Record<string, string> });
      return;
    }
    if (frame.type === FrameType.open) {
      const name = frame.payload.toString('utf8');
      const channel = new RelayChannel(frame.channel, sendFrame, () => channels.delete(frame.channel));
      channels.set(frame.channel, channel);
      logger.trace(`Channel ${frame.channel} opened on ${name}`);
      const handler = handlers.get(name);
      if (handler) {
        handler.onConnection(channel);
      } else {
        channel.destroy();
      }
      return;
    }
    const channel = channels.get(frame.channel);
    if (!channel) {
      return;
    }
    if (frame.type === FrameType.data) {
      channel.push(frame.payload);
    } else if (frame.type === FrameType.end) {
      channel.push(null);
    } else if (frame.type === FrameType.close) {
      channel.remoteClosed = true;
      channel.destroy();
    }
  };

  const stdout = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        for (const frame of decoder.push(chunk)) {
          handleFrame(frame);
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  stdout.on('error', (error) => {
    logger.warn(`Stopped the relay in container ${options.containerId.slice(0, 12)}: ${error.message}`);
    stream.destroy();
  });
  options.engine.docker.modem.demuxStream(stream, stdout, stderrSink);

  const closed = new Promise<void>((resolve) => {
    const finish = () => {
      for (const channel of channels.values()) channel.destroy();
      channels.clear();
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
  const close = async () => {
    options.signal?.removeEventListener('abort', abort);
    stream.end();
    const timer = setTimeout(() => stream.destroy(), closeTimeout);
    await closed;
    clearTimeout(timer);
  };
  const abort = () => void close();
  options.signal?.addEventListener('abort', abort, { once: true });

  let timer: NodeJS.Timeout | undefined;
  try {
    const started = await Promise.race([
      ready,
      closed.then(() => {
        throw new EnvironmentError(
          `The socket relay in container ${options.containerId.slice(0, 12)} exited before its sockets listened: ` +
            `${stderr.trim() || 'no output'}. Check that ${options.node} runs in the container.`,
          { containerId: options.containerId, outputTail: stderr.trim() },
        );
      }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new EnvironmentError(`The socket relay in container ${options.containerId.slice(0, 12)} did not start within ${readyTimeout} ms.`, { containerId: options.containerId })),
          readyTimeout,
        );
      }),
    ]);
    if (options.signal?.aborted) {
      throw new CancelledError();
    }
    logger.debug(`Relay listens in ${started.folder}: ${Object.keys(started.sockets).join(', ')}`);
    return { folder: started.folder, socketPaths: started.sockets, closed, close };
  } catch (error) {
    await close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The host end of a channel. Writes become data frames, `end` an end frame
 * and `destroy` a close frame, unless the container closed the channel
 * first. The relay pushes what arrives for it.
 */
class RelayChannel extends Duplex {
  /** Set when the container closed the channel, so no close frame goes back. */
  remoteClosed = false;

  constructor(
    private readonly id: number,
    private readonly sendFrame: (frame: Buffer, callback?: () => void) => void,
    private readonly forget: () => void,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    // Data is pushed as frames arrive. NOTE: there is no flow control per
    // channel, so data for a reader that stops reading piles up in memory.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const frames = encodeData(this.id, chunk);
    if (frames.length === 0) {
      callback();
      return;
    }
    frames.forEach((frame, index) => this.sendFrame(frame, index === frames.length - 1 ? () => callback() : undefined));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sendFrame(encodeFrame(FrameType.end, this.id));
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.forget();
    if (!this.remoteClosed) {
      this.sendFrame(encodeFrame(FrameType.close, this.id));
    }
    callback(error);
  }
}
