import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { signalOfExitCode } from '../../../../runtime/bridge/ssh/exitSignal';

test('signalOfExitCode maps 128 + N to RFC 4254 names', () => {
  assert.equal(signalOfExitCode(129), 'HUP');
  assert.equal(signalOfExitCode(137), 'KILL');
  assert.equal(signalOfExitCode(143), 'TERM');
});

test('signalOfExitCode leaves other codes alone', () => {
  assert.equal(signalOfExitCode(0), undefined);
  assert.equal(signalOfExitCode(1), undefined);
  assert.equal(signalOfExitCode(128), undefined);
  // 135 is SIGBUS on Linux, which RFC 4254 does not name.
  assert.equal(signalOfExitCode(135), undefined);
  assert.equal(signalOfExitCode(255), undefined);
});
