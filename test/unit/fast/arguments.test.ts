import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitExecArguments } from '../../../runtime/cli/execArguments';
import { parseWarmExec, parseWarmUp } from '../../../runtime/fast/arguments';

test('warm up reads the accepted options', () => {
  assert.deepEqual(
    parseWarmUp(['--workspace-folder', '/w', '--config', 'c.json', '--log-level', 'warn', '--log-format', 'json', '--skip-post-attach', '--docker-path', '/usr/bin/docker']),
    { workspaceFolder: '/w', config: 'c.json', logLevel: 'warn', logFormat: 'json', skipPostAttach: true, skipPostCreate: false },
  );
});

test('warm up defaults to the current folder', () => {
  assert.deepEqual(parseWarmUp([]), {
    workspaceFolder: process.cwd(),
    config: undefined,
    logLevel: 'info',
    logFormat: 'text',
    skipPostAttach: false,
    skipPostCreate: false,
  });
});

test('warm up leaves other forms to the full CLI', () => {
  const rejected = [
    ['--remove-existing-container'],
    ['--workspace-folder=/w'],
    ['--workspace-folder', '/w', '--workspace-folder', '/v'],
    ['--workspace-folder'],
    ['--workspace-folder', ''],
    ['--workspace-folder', '--config'],
    ['--skip-post-attach', 'false'],
    ['--skip-post-attach', '--skip-post-attach'],
    ['--log-level', 'debug'],
    ['--log-format', 'yaml'],
    ['--id-label', 'a=b'],
    ['--mount-workspace-git-root', 'false'],
    ['--no-lockfile'],
    ['--workspaceFolder', '/w'],
    ['extra'],
    ['--help'],
    ['--version'],
  ];
  for (const argv of rejected) {
    assert.equal(parseWarmUp(argv), undefined, argv.join(' '));
  }
});

test('warm exec splits options from the command', () => {
  assert.deepEqual(parseWarmExec(['--workspace-folder', '/w', '--remote-env', 'A=1', '--remote-env', 'B=2', 'sh', '-c', 'echo --x']), {
    workspaceFolder: '/w',
    config: undefined,
    logLevel: 'info',
    logFormat: 'text',
    remoteEnv: ['A=1', 'B=2'],
    command: ['sh', '-c', 'echo --x'],
  });
  assert.deepEqual(parseWarmExec(['--workspace-folder', '/w', '--', '--weird-command'])?.command, ['--weird-command']);
});

test('warm exec leaves other forms to the full CLI', () => {
  const rejected = [
    ['--workspace-folder', '/w'],
    ['--container-id', 'abc', 'true'],
    ['--id-label', 'a=b', 'true'],
    ['--default-user-env-probe', 'none', 'true'],
    ['--log-level', 'trace', 'true'],
    ['--unknown', 'true'],
    ['--help'],
  ];
  for (const argv of rejected) {
    assert.equal(parseWarmExec(argv), undefined, argv.join(' '));
  }
});

test('exec split reads explicit booleans', () => {
  assert.deepEqual(splitExecArguments(['--mount-workspace-git-root', 'false', 'true']), {
    options: ['--mount-workspace-git-root', 'false'],
    command: ['true'],
  });
  assert.deepEqual(splitExecArguments(['--mount-workspace-git-root', 'ls', '-a']), {
    options: ['--mount-workspace-git-root'],
    command: ['ls', '-a'],
  });
  // The full CLI resolves the workspace folder with this option.
  assert.equal(parseWarmExec(['--mount-workspace-git-root', 'false', 'true']), undefined);
});
