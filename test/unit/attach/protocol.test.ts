import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeData, encodeFrame, FrameDecoder, FrameType, headerLength, maxPayload } from '../../../runtime/attach/relay/protocol';

test('relay frame round trip', () => {
  const decoder = new FrameDecoder();
  const frames = decoder.push(Buffer.concat([encodeFrame(FrameType.open, 7, Buffer.from('ssh-agent')), encodeFrame(FrameType.end, 7)]));
  assert.equal(frames.length, 2);
  assert.deepEqual({ ...frames[0], payload: frames[0].payload.toString() }, { type: FrameType.open, channel: 7, payload: 'ssh-agent' });
  assert.equal(frames[1].type, FrameType.end);
  assert.equal(frames[1].payload.length, 0);
});

test('relay frames split across chunks', () => {
  const bytes = encodeFrame(FrameType.data, 3, Buffer.from('hello world'));
  const decoder = new FrameDecoder();
  const frames = [];
  for (let offset = 0; offset < bytes.length; offset += 2) {
    frames.push(...decoder.push(bytes.subarray(offset, offset + 2)));
  }
  assert.equal(frames.length, 1);
  assert.equal(frames[0].payload.toString(), 'hello world');
});

test('relay data splits at the maximum payload', () => {
  const frames = encodeData(1, Buffer.alloc(maxPayload + 10, 1));
  assert.equal(frames.length, 2);
  assert.equal(frames[0].length, headerLength + maxPayload);
  assert.equal(frames[1].length, headerLength + 10);
});

test('relay decoder rejects a bad header', () => {
  const header = Buffer.alloc(headerLength);
  header.writeUInt8(9, 0);
  assert.throws(() => new FrameDecoder().push(header), /invalid relay frame header/);
});
