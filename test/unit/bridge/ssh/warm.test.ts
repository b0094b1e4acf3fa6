import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWarmSshProxy } from '../../../../runtime/bridge/ssh/warm';

test('warm ssh-proxy reads plain options', () => {
  const parsed = parseWarmSshProxy(['--workspace-folder', '/w s', '--config', 'c.json', '--log-file', '/tmp/p.log', '--log-format', 'json']);
  assert.deepEqual(parsed, { workspaceFolder: '/w s', config: 'c.json', logLevel: 'warn', logFormat: 'json', logFile: '/tmp/p.log' });
});

test('warm ssh-proxy defaults', () => {
  assert.deepEqual(parseWarmSshProxy([]), { workspaceFolder: process.cwd(), config: undefined, logLevel: 'warn', logFormat: 'text', logFile: undefined });
  assert.equal(parseWarmSshProxy(['--log-level', 'error'])?.logLevel, 'error');
});

test('warm ssh-proxy leaves other forms to the full CLI', () => {
  const rejected = [
    ['--log-level', 'debug'],
    ['--log-level', 'info'],
    ['--log-format', 'xml'],
    ['--workspace-folder=/w'],
    ['--workspace-folder'],
    ['--workspace-folder', ''],
    ['--workspace-folder', '-x'],
    ['--workspace-folder', '/a', '--workspace-folder', '/b'],
    ['--docker-path', 'docker'],
    ['--help'],
    ['extra'],
  ];
  for (const argv of rejected) {
    assert.equal(parseWarmSshProxy(argv), undefined, argv.join(' '));
  }
});
