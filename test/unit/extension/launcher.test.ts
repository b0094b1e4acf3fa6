import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import { findExecutable, findProxyLauncher } from '../../../extension/ssh/launcher';

it('proxy launcher prefers node on PATH', async (t) => {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'launcher-test-'));
  t.after(() => fs.rm(folder, { recursive: true, force: true }));
  const notExecutable = path.join(folder, 'plain');
  const executable = path.join(folder, 'bin');
  await fs.mkdir(notExecutable);
  await fs.mkdir(executable);
  await fs.writeFile(path.join(notExecutable, 'node'), '', { mode: 0o644 });
  await fs.writeFile(path.join(executable, 'node'), '#!/bin/sh\n', { mode: 0o755 });

  const pathVariable = ['', 'relative', notExecutable, executable].join(':');
  assert.equal(await findExecutable('node', pathVariable, 'linux'), path.join(executable, 'node'));
  assert.deepEqual(await findProxyLauncher({ pathVariable, platform: 'linux', execPath: '/opt/code' }), {
    executable: path.join(executable, 'node'),
    runAsNode: false,
  });
  assert.deepEqual(await findProxyLauncher({ pathVariable: notExecutable, platform: 'linux', execPath: '/opt/code' }), {
    executable: '/opt/code',
    runAsNode: true,
  });
});
