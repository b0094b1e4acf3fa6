import * as assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test, type TestContext } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { cliPath, repoRoot, runCli } from '../support/cli';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

const chromiumPath = '/usr/bin/chromium';
const screenshotPath = path.join(repoRoot, 'test-results', 'browse.png');
/** The first session copies about 200 MiB into the container. */
const sessionStartTimeout = 240_000;

interface BrowseProcess {
  child: ChildProcessWithoutNullStreams;
  result: { outcome: string; url?: string; containerId?: string; message?: string };
  stderr(): string;
  exited: Promise<number | null>;
}

/** Spawns `browse` and resolves once it prints its JSON result line. */
async function startBrowse(folder: string): Promise<BrowseProcess> {
  const child = spawn(process.execPath, [cliPath, 'browse', '--workspace-folder', folder], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browse printed no result within ${sessionStartTimeout} ms:\n${stderr}`)), sessionStartTimeout);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, newline));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browse exited with ${code} before printing a result:\n${stderr}`));
    });
  });
  return { child, result: JSON.parse(line), stderr: () => stderr, exited };
}

/** Sends SIGTERM and returns the exit code, killing the process after 20 s. */
async function stopBrowse(browse: BrowseProcess): Promise<number | null> {
  if (browse.child.exitCode !== null) return browse.child.exitCode;
  browse.child.kill('SIGTERM');
  const timer = setTimeout(() => browse.child.kill('SIGKILL'), 20_000);
  const code = await browse.exited;
  clearTimeout(timer);
  return code;
}

/** Waits for Debian's chromium, which scripts/setup/packages.sh may still be installing. */
async function waitForChromium(): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (!fs.existsSync(chromiumPath)) {
    if (Date.now() > deadline) throw new Error(`${chromiumPath} is missing; install Debian's chromium package`);
    await delay(10_000);
  }
}

/** Reads a file in the container through `dist/cli.js exec`, or '' while it is missing. */
async function readInContainer(folder: string, file: string): Promise<string> {
  const result = await runCli(['exec', '--workspace-folder', folder, 'sh', '-c', 'cat "$1" 2>/dev/null || true', 'sh', file]);
  return result.stdout;
}

/** Clicks the trust button if the Workspace Trust dialog shows up within 20 s. */
async function acceptWorkspaceTrust(page: Page): Promise<void> {
  const trustButton = page.locator('.monaco-dialog-box').getByRole('button', { name: 'Yes, I trust the authors' });
  try {
    await trustButton.waitFor({ state: 'visible', timeout: 20_000 });
  } catch {
    return;
  }
  await trustButton.click();
  await trustButton.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Runs a command by title through the command center, because Ctrl+Shift+P does not reach the workbench in headless chromium. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.locator('.command-center .command-center-center').click();
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await input.press('Enter');
}

/** Passes the session's timing lines from its log on as test diagnostics. */
function reportTimings(t: TestContext, session: BrowseProcess): void {
  for (const line of session.stderr().split('\n')) {
    if (/Copied|already in|listening|returned|ready/.test(line)) {
      t.diagnostic(line);
    }
  }
}

describe('browse', { timeout: 900_000 }, () => {
  let folder = '';
  let containerId = '';
  let browser: Browser | undefined;
  const sessions: BrowseProcess[] = [];

  before(async () => {
    folder = makeWorkspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm' }),
      'only-in-workspace.txt': 'written on the host\n',
    });

    // Bring the container up first and take it off every network, so the
    // session below proves that the copy and the bridge need none, and the
    // server in it can reach no host but itself.
    const upResult = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(upResult.exitCode, 0, upResult.stderr);
    containerId = JSON.parse(upResult.stdout.trim().split('\n').pop() ?? '{}').containerId;
    const info = await docker.getContainer(containerId).inspect();
    for (const network of Object.keys(info.NetworkSettings.Networks)) {
      await docker.getNetwork(network).disconnect({ Container: containerId, Force: true });
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    for (const session of sessions) {
      await stopBrowse(session);
    }
    if (folder) {
      await removeWorkspaceContainers(folder);
      removeWorkspace(folder);
    }
  });

  test('editor in the browser runs in the container', async (t) => {
    const started = Date.now();
    const session = await startBrowse(folder);
    sessions.push(session);
    assert.equal(session.result.outcome, 'success', session.stderr());
    assert.equal(session.result.containerId, containerId);
    const url = new URL(String(session.result.url));
    assert.equal(url.hostname, '127.0.0.1');
    const token = url.searchParams.get('tkn') ?? '';
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.ok(!session.stderr().includes(token), 'the log on stderr contains the connection token');
    t.diagnostic(`session ready in ${Date.now() - started} ms`);
    reportTimings(t, session);

    await waitForChromium();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Only the bridge may be contacted. A request to any other host, such as
    // the extension gallery that code-server's product.json names, is
    // aborted and recorded, and fails the test below.
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const target = new URL(route.request().url());
      if (target.hostname === '127.0.0.1') return route.continue();
      blocked.push(target.origin);
      return route.abort();
    });
    const page = await context.newPage();

    const loadStarted = Date.now();
    await page.goto(url.href);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const explorerEntry = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'only-in-workspace.txt' });
    await explorerEntry.waitFor({ timeout: 60_000 });
    t.diagnostic(`workbench showed the workspace file ${Date.now() - loadStarted} ms after navigation`);

    await acceptWorkspaceTrust(page);
    assert.equal(await explorerEntry.count(), 1);

    await runCommand(page, 'Terminal: Create New Terminal');
    const terminal = page.locator('.terminal-wrapper.active .xterm');
    await terminal.waitFor({ timeout: 30_000 });
    // The prompt shows once the shell in the container is ready for input.
    await page.locator('.terminal-wrapper.active .xterm-rows', { hasText: /[#$]\s*$/ }).waitFor({ timeout: 30_000 });
    await terminal.click();
    await page.keyboard.type('echo "$(hostname) $PWD" > /tmp/browse-terminal.txt; cat only-in-workspace.txt');
    await page.keyboard.press('Enter');

    let written = '';
    for (let attempt = 0; attempt < 60 && written === ''; attempt++) {
      await delay(500);
      written = await readInContainer(folder, '/tmp/browse-terminal.txt');
    }
    assert.equal(written, `${containerId.slice(0, 12)} /workspaces/ws\n`);
    await page.locator('.terminal-wrapper.active .xterm-rows', { hasText: 'written on the host' }).waitFor({ timeout: 10_000 });

    fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
    assert.deepEqual(blocked, []);

    await browser.close();
    browser = undefined;
    assert.equal(await stopBrowse(session), 0, session.stderr());
  });

  test('second browse skips the copy', async (t) => {
    const started = Date.now();
    const session = await startBrowse(folder);
    sessions.push(session);
    assert.equal(session.result.outcome, 'success', session.stderr());
    assert.equal(session.result.containerId, containerId);
    assert.match(session.stderr(), /code-server 4\.96\.4 is already in container/);
    assert.doesNotMatch(session.stderr(), /Copied code-server/);
    t.diagnostic(`second session ready in ${Date.now() - started} ms`);
    reportTimings(t, session);

    const url = new URL(String(session.result.url));
    const token = url.searchParams.get('tkn') ?? '';
    const base = `${url.origin}/`;

    const withoutToken = await fetch(base);
    assert.equal(withoutToken.status, 403);
    const withWrongToken = await fetch(`${base}?tkn=${'0'.repeat(64)}`, { redirect: 'manual' });
    assert.equal(withWrongToken.status, 403);

    const withToken = await fetch(url.href, { redirect: 'manual' });
    assert.equal(withToken.status, 302);
    const page = await fetch(base, { headers: { cookie: `vscode-tkn=${token}` } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /vscode-workbench-web-configuration/);

    assert.equal(await stopBrowse(session), 0, session.stderr());
  });
});
