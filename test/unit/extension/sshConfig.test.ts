import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  blockMarkers,
  formatUserName,
  hostEntryLines,
  type HostEntryOptions,
  includeLine,
  quoteConfigPath,
  quoteProxyCommandWord,
  removeBlock,
  SshConfigError,
  upsertBlock,
} from '../../../extension/ssh/sshConfig';
import { ownSshFiles, removeHostEntry, writeHostEntry } from '../../../extension/ssh/sshConfigFile';

const execFileAsync = promisify(execFile);

const userConfig = [
  '# my hosts',
  'Host build',
  '  HostName build.example.test',
  '  User me',
  '',
  'Host *',
  '  ServerAliveInterval 30',
].join('\n');

async function tempFolder(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'ssh-config-test-'));
  t.after(() => fs.rm(folder, { recursive: true, force: true }));
  return folder;
}

function entryFor(folder: string, overrides: Partial<HostEntryOptions> = {}): Omit<HostEntryOptions, 'knownHostsFile'> {
  return {
    alias: 'devcontainer-open-0123456789ab',
    remoteUser: 'vscode',
    launcher: { executable: process.execPath, runAsNode: false },
    cliPath: path.join(folder, 'extension', 'dist', 'cli.js'),
    workspaceFolder: path.join(folder, 'workspace'),
    configFile: path.join(folder, 'workspace', '.devcontainer', 'devcontainer.json'),
    platform: 'posix',
    ...overrides,
  };
}

describe('marked blocks', () => {
  it('top block removes to the same bytes', () => {
    for (const text of [userConfig, `${userConfig}\n`, '', '\n', 'Host a\r\n  User b\r\n']) {
      const updated = upsertBlock(text, undefined, ['Include "/x/config"'], 'top');
      assert.ok(updated.startsWith(blockMarkers().start), JSON.stringify(updated));
      assert.ok(updated.endsWith(text));
      assert.equal(removeBlock(updated), text);
    }
  });

  it('update replaces the block in place', () => {
    const first = upsertBlock(userConfig, 'one', ['Host one'], 'end');
    const second = upsertBlock(first, 'one', ['Host one', '  User changed'], 'end');
    assert.ok(second.startsWith(`${userConfig}\n`));
    assert.match(second, /User changed/);
    assert.equal(second.split(blockMarkers('one').start).length, 2);
    assert.equal(removeBlock(second, 'one'), `${userConfig}\n`);
  });

  it('blocks with different names stay apart', () => {
    const both = upsertBlock(upsertBlock('', 'one', ['Host one'], 'end'), 'two', ['Host two'], 'end');
    const withoutOne = removeBlock(both, 'one');
    assert.doesNotMatch(withoutOne, /Host one/);
    assert.match(withoutOne, /Host two/);
  });

  it('block follows CRLF line endings', () => {
    const text = 'Host a\r\n  User b\r\n';
    const updated = upsertBlock(text, undefined, ['Include x'], 'top');
    assert.ok(updated.startsWith(`${blockMarkers().start}\r\nInclude x\r\n${blockMarkers().end}\r\n`));
  });

  it('unpaired start marker is rejected', () => {
    const broken = `${blockMarkers('one').start}\nHost one\n`;
    assert.throws(() => upsertBlock(broken, 'one', ['Host one'], 'end'), SshConfigError);
  });
});

describe('ssh_config quoting', () => {
  it('proxy command words are shell-quoted', () => {
    assert.equal(quoteProxyCommandWord('/a b/node', 'path', 'posix'), '"/a b/node"');
    assert.equal(quoteProxyCommandWord('/a"b', 'path', 'posix'), '"/a\\"b"');
    assert.equal(quoteProxyCommandWord('/a$HOME`x`\\', 'path', 'posix'), '"/a\\$HOME\\`x\\`\\\\"');
    assert.equal(quoteProxyCommandWord('/100%', 'path', 'posix'), '"/100%%"');
    assert.equal(quoteProxyCommandWord('C:\\Program Files\\node.exe', 'path', 'win32'), '"C:\\Program Files\\node.exe"');
  });

  it('line breaks are rejected', () => {
    for (const value of ['/a\nb', '/a\rb', '/a\u0000b']) {
      assert.throws(() => quoteProxyCommandWord(value, 'workspace folder', 'posix'), /workspace folder .* line break/);
      assert.throws(() => quoteConfigPath(value, 'known hosts file path', 'posix'), SshConfigError);
    }
    assert.throws(() => formatUserName('vs\ncode'), SshConfigError);
  });

  it('config paths escape quotes and backslashes', () => {
    assert.equal(quoteConfigPath('/home/a b/x', 'path', 'posix'), '"/home/a b/x"');
    assert.equal(quoteConfigPath('/home/a"b\\c', 'path', 'posix'), '"/home/a\\"b\\\\c"');
    assert.equal(quoteConfigPath('C:\\Users\\a b\\.ssh', 'path', 'win32'), '"C:/Users/a b/.ssh"');
    assert.throws(() => quoteConfigPath('C:\\a"b', 'path', 'win32'), SshConfigError);
  });

  it('include rejects wildcard paths', () => {
    assert.throws(() => includeLine('/home/[x]/config', 'posix'), /wildcard/);
    assert.equal(includeLine('/home/a b/config', 'posix'), 'Include "/home/a b/config"');
  });

  it('user names are checked', () => {
    assert.equal(formatUserName('vscode'), 'vscode');
    assert.equal(formatUserName('domain user'), '"domain user"');
    assert.throws(() => formatUserName(''), SshConfigError);
    assert.throws(() => formatUserName('a"b'), SshConfigError);
  });

  it('host entry uses env for the editor binary', () => {
    const lines = hostEntryLines({
      ...entryFor('/tmp/x'),
      launcher: { executable: '/opt/Code/code', runAsNode: true },
      knownHostsFile: '/root/.ssh/open-devcontainers/known_hosts',
    });
    const proxy = lines.find((line) => line.includes('ProxyCommand'));
    assert.ok(proxy?.startsWith('  ProxyCommand env ELECTRON_RUN_AS_NODE=1 "/opt/Code/code" "/tmp/x/extension/dist/cli.js" ssh-proxy --workspace-folder "/tmp/x/workspace" --config '));
    assert.ok(lines.includes('  StrictHostKeyChecking accept-new'));
    assert.ok(lines.includes('  HostName devcontainer-open-0123456789ab'));
  });

  it('editor binary on Windows is rejected', () => {
    assert.throws(
      () => hostEntryLines({ ...entryFor('C:\\x', { platform: 'win32' }), launcher: { executable: 'C:\\Code.exe', runAsNode: true }, knownHostsFile: 'C:\\k' }),
      /Node\.js/,
    );
  });
});

describe('SSH config files', () => {
  it('writes our file and includes it once', async (t) => {
    const folder = await tempFolder(t);
    const files = ownSshFiles(folder);
    const userConfigFile = path.join(folder, '.ssh', 'config');
    await fs.mkdir(path.dirname(userConfigFile), { recursive: true });
    await fs.writeFile(userConfigFile, userConfig, { mode: 0o644 });

    await writeHostEntry({ files, userConfigFile, entry: entryFor(folder) });
    await writeHostEntry({ files, userConfigFile, entry: entryFor(folder, { remoteUser: 'node' }) });

    const userText = await fs.readFile(userConfigFile, 'utf8');
    assert.ok(userText.startsWith(`${blockMarkers().start}\nInclude "${files.configFile}"\n${blockMarkers().end}\n`));
    assert.equal(userText.split('Include ').length, 2);
    assert.equal(removeBlock(userText), userConfig);
    assert.equal((await fs.stat(userConfigFile)).mode & 0o777, 0o644);

    const ownText = await fs.readFile(files.configFile, 'utf8');
    assert.equal(ownText.split('Host devcontainer-open-0123456789ab').length, 2);
    assert.match(ownText, /^ {2}User node$/m);
    assert.equal((await fs.stat(files.configFile)).mode & 0o777, 0o600);
  });

  it('creates a missing user config', async (t) => {
    const folder = await tempFolder(t);
    const files = ownSshFiles(folder);
    const userConfigFile = path.join(folder, 'new', 'config');

    await writeHostEntry({ files, userConfigFile, entry: entryFor(folder) });

    assert.equal((await fs.stat(userConfigFile)).mode & 0o777, 0o600);
    assert.equal(removeBlock(await fs.readFile(userConfigFile, 'utf8')), '');
  });

  it('removes one workspace entry', async (t) => {
    const folder = await tempFolder(t);
    const files = ownSshFiles(folder);
    const userConfigFile = path.join(folder, 'config');
    await writeHostEntry({ files, userConfigFile, entry: entryFor(folder) });
    await writeHostEntry({ files, userConfigFile, entry: entryFor(folder, { alias: 'devcontainer-open-other' }) });

    await removeHostEntry(files, 'devcontainer-open-0123456789ab');

    const ownText = await fs.readFile(files.configFile, 'utf8');
    assert.doesNotMatch(ownText, /0123456789ab/);
    assert.match(ownText, /^Host devcontainer-open-other$/m);
  });

  it('OpenSSH reads the entry and runs the proxy with exact arguments', async (t) => {
    // A folder name with a space, a double quote, a dollar sign, a backtick
    // and a percent sign exercises every quoting rule at once.
    const folder = path.join(await tempFolder(t), 'odd "name" $HOME `id` 100%');
    await fs.mkdir(folder, { recursive: true });
    const files = ownSshFiles(folder);
    const userConfigFile = path.join(folder, 'user config');
    await fs.writeFile(userConfigFile, userConfig, { mode: 0o600 });
    const entry = entryFor(folder);
    await fs.mkdir(path.dirname(entry.cliPath), { recursive: true });
    const argumentsFile = path.join(folder, 'arguments.json');
    // Stands in for the runtime's CLI: records its arguments, then exits, so ssh fails fast.
    await fs.writeFile(entry.cliPath, `require('node:fs').writeFileSync(process.env.ARGUMENTS_FILE, JSON.stringify(process.argv.slice(2)));\n`);

    await writeHostEntry({ files, userConfigFile, entry });

    const { stdout } = await execFileAsync('ssh', ['-G', '-F', userConfigFile, entry.alias]);
    assert.match(stdout, /^user vscode$/m);
    assert.match(stdout, /^hostname devcontainer-open-0123456789ab$/m);
    assert.match(stdout, /^stricthostkeychecking accept-new$/m);
    assert.ok(stdout.includes(`userknownhostsfile ${files.knownHostsFile}`), stdout);
    assert.match(stdout, /^serveraliveinterval 30$/m);

    await execFileAsync('ssh', ['-F', userConfigFile, '-o', 'BatchMode=yes', entry.alias, 'true'], {
      env: { ...process.env, ARGUMENTS_FILE: argumentsFile },
    }).catch(() => undefined);
    const proxyArguments = JSON.parse(await fs.readFile(argumentsFile, 'utf8')) as string[];
    assert.deepEqual(proxyArguments, ['ssh-proxy', '--workspace-folder', entry.workspaceFolder, '--config', entry.configFile]);
  });
});
