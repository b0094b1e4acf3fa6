import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBuildOptions } from '../../../runtime/engine/buildOptions';
import { parseSize } from '../../../runtime/up/hostProperties';

test('build options map to engine parameters', () => {
  assert.deepEqual(
    parseBuildOptions(['--build-arg', 'A=1=2', '--label=x=y', '--network=host', '--add-host', 'h:1.2.3.4', '--add-host=g:5.6.7.8', '--pull', '--no-cache', '--shm-size', '64m'], 'f.json'),
    {
      buildargs: { A: '1=2' },
      labels: { x: 'y' },
      networkmode: 'host',
      extrahosts: 'h:1.2.3.4,g:5.6.7.8',
      pull: true,
      nocache: true,
      shmsize: 64 * 1024 * 1024,
    },
  );
});

test('build option without value is rejected', () => {
  assert.throws(() => parseBuildOptions(['--network'], 'f.json'), /--network in f\.json at build\.options\[0\] needs a value/);
});

test('unsupported build option is rejected', () => {
  assert.throws(() => parseBuildOptions(['--secret', 'id=x'], 'f.json'), /Unsupported build option "--secret" in f\.json at build\.options\[0\]/);
});

test('host requirement sizes', () => {
  assert.equal(parseSize('8gb', 'f', 'p'), 8 * 1024 ** 3);
  assert.equal(parseSize('512MB', 'f', 'p'), 512 * 1024 ** 2);
  assert.equal(parseSize('4G', 'f', 'p'), 4 * 1024 ** 3);
  assert.throws(() => parseSize('lots', 'f', 'hostRequirements.memory'), /Invalid size "lots" for "hostRequirements.memory"/);
});
