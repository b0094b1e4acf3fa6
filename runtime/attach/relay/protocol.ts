/**
 * Framing of the relay's multiplexing protocol, which runs over the stdin
 * and stdout of one exec. relay.in-container.js implements the same format.
 *
 * A frame is a 9-byte header, then the payload: the frame type (1 byte), the
 * channel id (4 bytes, big-endian) and the payload length (4 bytes,
 * big-endian). A channel is one accepted connection on a relay socket in the
 * container. The container opens channels, and either side sends data,
 * half-closes (`end`) or closes.
 */

export const FrameType = {
  /** Container to host, once: JSON `{ folder, sockets: { name: path } }`, on channel 0. */
  ready: 0,
  /** Container to host: a connection was accepted; the payload is the socket's name. */
  open: 1,
  data: 2,
  /** The sender will send no more data on the channel. */
  end: 3,
  /** The channel is gone on the sender's side; the receiver drops it. */
  close: 4,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export interface Frame {
  type: FrameType;
  channel: number;
  payload: Buffer;
}

export const headerLength = 9;

/** Largest payload a frame carries; longer writes are split, and a longer announced frame is a protocol error. */
export const maxPayload = 1024 * 1024;

export function encodeFrame(type: FrameType, channel: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(headerLength);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(channel, 1);
  header.writeUInt32BE(payload.length, 5);
  return Buffer.concat([header, payload]);
}

/** Encodes data for a channel, split into frames of at most `maxPayload` bytes. */
export function encodeData(channel: number, data: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += maxPayload) {
    frames.push(encodeFrame(FrameType.data, channel, data.subarray(offset, offset + maxPayload)));
  }
  return frames;
}

/** Splits a byte stream into frames, across chunk boundaries. */
export class FrameDecoder {
  private buffered = Buffer.alloc(0);

  /** Adds a chunk and returns the frames it completes. Raises on a malformed header. */
  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Frame[] = [];
    while (this.buffered.length >= headerLength) {
      const type = this.buffered.readUInt8(0);
      const length = this.buffered.readUInt32BE(5);
      if (type > FrameType.close || length > maxPayload) {
        throw new Error(`invalid relay frame header (type ${type}, length ${length})`);
      }
      if (this.buffered.length < headerLength + length) {
        break;
      }
      frames.push({
        type: type as FrameType,
        channel: this.buffered.readUInt32BE(1),
        payload: Buffer.from(this.buffered.subarray(headerLength, headerLength + length)),
      });
      this.buffered = this.buffered.subarray(headerLength + length);
    }
    return frames;
  }
}
