import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProbeOutput } from '../../../runtime/up/userEnv';

test('probe output between markers', () => {
  const mark = 'MARK';
  const stdout = `motd line\nMARKPATH=/usr/bin\0MULTI=a\nb\0_=/bin/cat\0SHLVL=1\0MARK`;
  assert.deepEqual(parseProbeOutput(stdout, mark), { PATH: '/usr/bin', MULTI: 'a\nb' });
});

test('probe output without markers', () => {
  assert.equal(parseProbeOutput('bash: error', 'MARK'), undefined);
});
