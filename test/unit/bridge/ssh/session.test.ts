import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLegacyScp } from '../../../../runtime/bridge/ssh/session';

test('legacy scp commands are recognised', () => {
  for (const command of ['scp -t /tmp/x', 'scp -f file', 'scp -v -t .', 'scp -r -d -t dir', 'scp -pt /tmp', ' scp -t x']) {
    assert.equal(isLegacyScp(command), true, command);
  }
});

test('other commands are not legacy scp', () => {
  for (const command of ['scp', 'scpx -t x', 'echo scp -t', 'scp file host:x', 'sh -c "scp -t x"', 'scp -r dir host:']) {
    assert.equal(isLegacyScp(command), false, command);
  }
});
