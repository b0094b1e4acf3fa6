import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { createLogger, type LogRecord } from '../../runtime/log';
import { prepareEditorServer } from '../../runtime/server/vscode/index';
import type { PreparedEditorServer } from '../../runtime/server/vscode/types';
import { cliPath } from '../support/cli';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { makeServerFixture, type ServerFixture } from '../support/vscodeServer';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const records: LogRecord[] = [];
const logger = createLogger('trace', (record) => records.push(record), 'test');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once something accepts connections on the loopback port. */
async function waitForListener(port: number, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`ssh exited with code ${child.exitCode} before forwarding port ${port}`);
    }
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    if (Date.now() > deadline) throw new Error(`Nothing listened on port ${port} within ${timeoutMs} ms`);
    await delay(100);
  }
}

/**
 * The SSH hand-off end to end, without the editor. The fixture's VS Code
 * server runs in the container, and OpenSSH forwards a local port to it
 * through ssh-proxy. Chromium then loads the workbench through that
 * forward, as Remote-SSH's client does.
 */
describe('workbench through ssh -L', { timeout: 600_000 }, () => {
  let fixture: ServerFixture;
  let folder = '';
  let root = '';
  let server: PreparedEditorServer | undefined;
  let ssh: ChildProcess | undefined;
  const volume = `devcontainer-open-test-ssh-workbench-${randomBytes(4).toString('hex')}`;

  before(async () => {
    fixture = await makeServerFixture();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-workbench-'));
    folder = makeWorkspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm' }),
      'only-in-workspace.txt': 'written on the host\n',
    });
  });

  after(async () => {
    ssh?.kill('SIGKILL');
    await server?.close();
    await removeWorkspaceContainers(folder);
    removeWorkspace(folder);
    await docker.getVolume(volume).remove().catch(() => undefined);
    await fixture?.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('Chromium loads the workbench', async (t) => {
    server = await prepareEditorServer({
      workspaceFolder: folder,
      clientProductPath: fixture.clientProductPath,
      cacheFolder: path.join(root, 'server-cache'),
      editorServerVolume: volume,
      logger,
    });

    const configFile = path.join(root, 'ssh_config');
    fs.writeFileSync(
      configFile,
      [
        'Host devcontainer',
        `  ProxyCommand "${process.execPath}" "${cliPath}" ssh-proxy --workspace-folder "${folder}"`,
        `  User ${server.remoteUser}`,
        `  UserKnownHostsFile ${path.join(root, 'known_hosts')}`,
        '  StrictHostKeyChecking accept-new',
        '  BatchMode yes',
        '  ExitOnForwardFailure yes',
        '  LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const localPort = await freePort();
    let sshStderr = '';
    ssh = spawn('ssh', ['-F', configFile, '-N', '-L', `${localPort}:127.0.0.1:${server.port}`, 'devcontainer'], {
      env: { ...process.env, XDG_CACHE_HOME: path.join(root, 'cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    ssh.stderr?.on('data', (chunk: Buffer) => (sshStderr += chunk.toString()));
    await waitForListener(localPort, ssh).catch((error: unknown) => {
      throw new Error(`${String(error)}\nssh stderr:\n${sshStderr}`);
    });

    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // Only the forwarded port may be contacted. A request to any other host is aborted and recorded.
      const blocked: string[] = [];
      await context.route('**/*', (route) => {
        const target = new URL(route.request().url());
        if (target.hostname === '127.0.0.1') return route.continue();
        blocked.push(target.origin);
        return route.abort();
      });
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(`http://127.0.0.1:${localPort}/?tkn=${server.connectionToken}&folder=${encodeURIComponent(server.remoteWorkspaceFolder)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
      const entry = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'only-in-workspace.txt' });
      await entry.waitFor({ timeout: 90_000 });
      t.diagnostic(`workbench showed the workspace file ${Date.now() - started} ms after navigation`);
      assert.equal(await entry.count(), 1);
      assert.deepEqual(blocked, []);
    } finally {
      await browser.close();
    }

    const log = records.map((record) => record.message).join('\n');
    assert.ok(!log.includes(server.connectionToken), 'the captured log contains the connection token');
  });
});
