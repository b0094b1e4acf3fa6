import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseDotfilesInstall, dotfilesInstallScripts, dotfilesRepositoryUrl } from '../../../runtime/attach/dotfiles';
import { dotfilesOf } from '../../../runtime/cli/up';

test('dotfiles repository: owner/repo is GitHub', () => {
  assert.equal(dotfilesRepositoryUrl('octo/dotfiles'), 'https://github.com/octo/dotfiles.git');
});

test('dotfiles repository: URLs and paths stay', () => {
  for (const repository of [
    'https://example.com/me/dotfiles.git',
    'git@example.com:me/dotfiles.git',
    '/workspaces/ws/dotfiles.git',
    './dotfiles',
    '../dotfiles',
  ]) {
    assert.equal(dotfilesRepositoryUrl(repository), repository);
  }
});

test('dotfiles install: given command wins', () => {
  assert.deepEqual(chooseDotfilesInstall('my-install.sh', ['install.sh']), { kind: 'run', command: 'my-install.sh' });
});

test('dotfiles install: first script in the fixed order', () => {
  assert.deepEqual(chooseDotfilesInstall(undefined, ['setup', 'bootstrap', 'script/setup']), { kind: 'run', command: 'bootstrap' });
  assert.deepEqual(chooseDotfilesInstall(undefined, ['script/setup', 'script/bootstrap']), { kind: 'run', command: 'script/bootstrap' });
  assert.deepEqual(chooseDotfilesInstall('', ['install']), { kind: 'run', command: 'install' });
});

test('dotfiles install: links without a script', () => {
  assert.deepEqual(chooseDotfilesInstall(undefined, []), { kind: 'link' });
  assert.deepEqual(chooseDotfilesInstall(undefined, ['README.md']), { kind: 'link' });
});

test('dotfiles install scripts match the reference order', () => {
  assert.deepEqual(dotfilesInstallScripts, [
    'install.sh',
    'install',
    'bootstrap.sh',
    'bootstrap',
    'script/bootstrap',
    'setup.sh',
    'setup',
    'script/setup',
  ]);
});

test('up flags: no repository, no dotfiles', () => {
  assert.equal(dotfilesOf({ 'dotfiles-target-path': '~/dotfiles' }), undefined);
  assert.equal(dotfilesOf({ 'dotfiles-repository': '' }), undefined);
});

test('up flags map to dotfiles options', () => {
  assert.deepEqual(
    dotfilesOf({ 'dotfiles-repository': 'me/dots', 'dotfiles-install-command': 'go.sh', 'dotfiles-target-path': '~/.dots' }),
    { repository: 'me/dots', installCommand: 'go.sh', targetPath: '~/.dots' },
  );
});
