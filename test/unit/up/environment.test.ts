import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergePath } from '../../../runtime/up/environment';
import { resolveRemoteEnv } from '../../../runtime/up/remoteEnv';

test('path merge keeps shell order, appends dropped', () => {
  assert.equal(mergePath('/home/u/bin:/usr/bin:/bin', '/opt/tools/bin:/usr/bin:/bin'), '/home/u/bin:/usr/bin:/bin:/opt/tools/bin');
  assert.equal(mergePath('/usr/bin', '/usr/bin'), '/usr/bin');
});

test('remoteEnv resolves containerEnv and drops null', () => {
  const resolved = resolveRemoteEnv(
    { PATH: '${containerEnv:PATH}:/x', GONE: null, D: '${containerEnv:NOPE:dflt}' },
    ['PATH=/usr/bin', 'OTHER=1'],
  );
  assert.deepEqual(resolved, { PATH: '/usr/bin:/x', D: 'dflt' });
});
