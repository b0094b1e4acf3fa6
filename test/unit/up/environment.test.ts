import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergePath } from '../../../runtime/up/environment';
import { resolveRemoteEnv } from '../../../runtime/up/remoteEnv';

test('path merge restores dropped entries in place', () => {
  assert.equal(mergePath('/home/u/bin:/usr/bin:/bin', '/opt/tools/bin:/usr/bin:/bin'), '/opt/tools/bin:/home/u/bin:/usr/bin:/bin');
  assert.equal(mergePath('/usr/local/bin:/usr/bin:/bin', '/usr/local/bin:/opt/x:/usr/bin:/bin'), '/usr/local/bin:/opt/x:/usr/bin:/bin');
  assert.equal(mergePath('/usr/bin', '/usr/bin'), '/usr/bin');
});

test('path merge keeps sbin out for non-root', () => {
  assert.equal(mergePath('/usr/local/bin:/usr/bin:/bin', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/opt/y', false), '/usr/local/bin:/usr/bin:/opt/y:/bin');
  assert.equal(mergePath('/usr/bin', '/usr/sbin:/usr/bin', true), '/usr/sbin:/usr/bin');
});

test('remoteEnv resolves containerEnv and drops null', () => {
  const resolved = resolveRemoteEnv(
    { PATH: '${containerEnv:PATH}:/x', GONE: null, D: '${containerEnv:NOPE:dflt}' },
    ['PATH=/usr/bin', 'OTHER=1'],
  );
  assert.deepEqual(resolved, { PATH: '/usr/bin:/x', D: 'dflt' });
});
