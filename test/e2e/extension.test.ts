/**
 * End-to-end test of the packaged extension in a real editor host. code-server
 * 4.96.4 (Code-OSS 1.96) serves the workbench with the VSIX installed,
 * Debian's chromium drives it through playwright-core, and the local Docker
 * engine runs the dev container. Needs the code-server cache that
 * scripts/setup/code-server.sh installs, the engine, and a local
 * `debian:bookworm` image.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

const execFileAsync = promisify(execFile);

const repoRoot = path.resolve(__dirname, '..', '..');
const resultsDir = path.join(repoRoot, 'test-results');
const codeServerDir = process.env.CODE_SERVER_DIR ?? '/var/cache/open-devcontainers/code-server-4.96.4';
const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const extensionId = 'open-devcontainers.open-devcontainers';
const markerFile = 'only-in-e2e-workspace.txt';
const reopenTitle = 'Dev Containers: Reopen in Container';
const commandTitles = [
  reopenTitle,
  'Dev Containers: Rebuild Container',
  'Dev Containers: Rebuild Container Without Cache',
  'Dev Containers: Show Container Log',
];

const second = 1_000;
const minute = 60 * second;

interface Fixture {
  tempRoot: string;
  workspace: string;
  userDataDir: string;
  codeServerLog: string;
  codeServer?: ChildProcess;
  browser?: Browser;
  context?: BrowserContext;
  page?: Page;
}

describe('extension in code-server', { timeout: 40 * minute }, () => {
  const docker = new Docker();
  let fixture: Fixture | undefined;

  before(
    async () => {
      await waitForCodeServerInstall();

      const tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'devcontainers-e2e-'));
      fixture = {
        tempRoot,
        workspace: path.join(tempRoot, 'workspace'),
        userDataDir: path.join(tempRoot, 'user-data'),
        codeServerLog: path.join(tempRoot, 'code-server.log'),
      };
      const extensionsDir = path.join(tempRoot, 'extensions');

      const vsix = await packageExtension(tempRoot);
      await createWorkspace(fixture.workspace);
      await writeUserSettings(fixture.userDataDir);
      await installExtension({ vsix, extensionsDir, userDataDir: fixture.userDataDir });

      const port = await findFreePort();
      fixture.codeServer = startCodeServer({
        port,
        extensionsDir,
        userDataDir: fixture.userDataDir,
        workspace: fixture.workspace,
        logFile: fixture.codeServerLog,
      });
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, fixture.codeServerLog);

      fixture.browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
      fixture.context = await fixture.browser.newContext({ viewport: { width: 1400, height: 900 } });
      fixture.page = await fixture.context.newPage();
      await fixture.page.goto(`http://127.0.0.1:${port}/`);
      await fixture.page.locator('.monaco-workbench').waitFor({ timeout: 2 * minute });
    },
    { timeout: 45 * minute },
  );

  after(async () => {
    if (!fixture) {
      return;
    }
    await fixture.browser?.close().catch(() => undefined);
    if (fixture.codeServer) {
      await stopProcessGroup(fixture.codeServer);
    }
    await removeDevContainers(docker, fixture.workspace);
    await fs.rm(fixture.tempRoot, { recursive: true, force: true });
  });

  it('activates on workspaceContains', async () => {
    const { userDataDir } = requireFixture(fixture);

    const line = await waitFor(
      () => findActivationLogLine(path.join(userDataDir, 'logs')),
      { timeoutMs: minute, description: `the extension host log to record the activation of ${extensionId}` },
    );

    assert.match(line, /activationEvent: 'workspaceContains:/);
  });

  it('rejects commands in Restricted Mode', async () => {
    const page = requirePage(fixture);

    // The Workspace Trust dialog opens a few seconds after the workbench loads.
    const trustDialog = page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
    await trustDialog.waitFor({ timeout: minute });
    await trustDialog.getByRole('button', { name: /No, I don.t trust the authors/ }).click();
    await trustDialog.waitFor({ state: 'hidden' });

    await runCommand(page, reopenTitle);

    const refusal = toast(page, 'is not available in Restricted Mode');
    await refusal.waitFor({ timeout: 30 * second });
    await refusal.getByRole('button', { name: 'Manage Workspace Trust' }).click();

    const trustEditor = page.locator('.workspace-trust-editor');
    await trustEditor.waitFor({ timeout: 30 * second });
    await trustEditor.getByRole('button', { name: 'Trust', exact: true }).first().click();
  });

  it('offers Reopen in Container once trusted', async () => {
    const page = requirePage(fixture);

    const offer = toast(page, 'This folder has a dev container configuration');
    await offer.waitFor({ timeout: 30 * second });

    assert.equal(await offer.getByRole('button', { name: 'Reopen in Container' }).count(), 1);
  });

  it('lists its commands in the palette', async () => {
    const page = requirePage(fixture);

    await openCommandPalette(page);
    await page.keyboard.type('Dev Containers:');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    const labels = await page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
    await page.keyboard.press('Escape');

    for (const title of commandTitles) {
      assert.ok(labels.includes(title), `"${title}" missing from the palette, which listed: ${labels.join(' | ')}`);
    }
  });

  it('opens an invalid configuration at the error', async () => {
    const page = requirePage(fixture);
    const { workspace } = requireFixture(fixture);
    const configFile = path.join(workspace, '.devcontainer', 'devcontainer.json');
    const validConfig = await fs.readFile(configFile, 'utf8');

    // The value of "name" is missing, so the parser reports line 4, column 1.
    await fs.writeFile(configFile, '{\n  "image": "debian:bookworm",\n  "name":\n}\n');
    try {
      await runCommand(page, reopenTitle);

      const error = toast(page, 'Dev container configuration error');
      await error.waitFor({ timeout: 30 * second });
      await error.getByRole('button', { name: 'Open devcontainer.json' }).click();

      await page.locator('.tabs-container .tab.active', { hasText: 'devcontainer.json' }).waitFor();
      const cursor = page.locator('[id="status.editor.selection"]');
      await cursor.waitFor();
      assert.match(await cursor.innerText(), /Ln 4, Col 1\b/);
    } finally {
      await fs.writeFile(configFile, validConfig);
    }
  });

  it('reopens the folder in a container', async () => {
    const page = requirePage(fixture);
    const { context, workspace } = requireFixture(fixture);
    await fs.mkdir(resultsDir, { recursive: true });

    try {
      const popup = context!.waitForEvent('page', { timeout: 10 * minute });
      // An earlier failing step abandons this wait, so its rejection must not go unhandled.
      popup.catch(() => undefined);
      await runCommand(page, reopenTitle);

      const containerId = await waitFor(() => findDevContainer(docker, workspace), {
        timeoutMs: 5 * minute,
        description: `a container labelled devcontainer.local_folder=${workspace}`,
        check: () => throwOnFailureNotification(page),
      });
      assert.match(containerId, /^[0-9a-f]{64}$/);

      const containerPage = await waitForPromise(popup, {
        timeoutMs: 10 * minute,
        description: "the container's editor to open in a new page",
        // code-server may ask before opening a link, and the extension reports
        // a failed start as an error notification.
        check: async () => {
          await confirmOpenExternalLink(page);
          await throwOnFailureNotification(page);
        },
      });
      assert.equal(new URL(containerPage.url()).hostname, '127.0.0.1');

      // The spec's default workspace folder in the container, not the host path
      // the outer workbench opened.
      const folderPath = await workbenchFolderPath(containerPage);
      assert.equal(folderPath, `/workspaces/${path.basename(workspace)}`);

      await trustIfAsked(containerPage);
      const markerRow = containerPage.locator('.explorer-folders-view .monaco-list-row', { hasText: markerFile });
      await markerRow.waitFor({ timeout: 5 * minute });
      await containerPage.screenshot({ path: path.join(resultsDir, 'extension.png') });
    } catch (error) {
      await saveScreenshots(context!, 'extension-failure');
      throw error;
    }
  });
});

function requireFixture(fixture: Fixture | undefined): Fixture {
  assert.ok(fixture, 'the suite setup failed, so there is no editor to test');
  return fixture;
}

function requirePage(fixture: Fixture | undefined): Page {
  const page = requireFixture(fixture).page;
  assert.ok(page, 'the suite setup failed before the workbench opened');
  return page;
}

/** Polls for the `.complete` file that scripts/setup/code-server.sh writes last. */
async function waitForCodeServerInstall(): Promise<void> {
  await waitFor(async () => (existsSync(path.join(codeServerDir, '.complete')) ? true : undefined), {
    timeoutMs: 30 * minute,
    intervalMs: 5 * second,
    description: `code-server in ${codeServerDir} (run scripts/setup/code-server.sh)`,
  });
}

/** Builds the production bundles, packages them into a VSIX and returns its path. */
async function packageExtension(tempRoot: string): Promise<string> {
  const vsix = path.join(tempRoot, 'ext.vsix');
  await runProcess(process.execPath, ['scripts/build.mjs', '--production'], { cwd: repoRoot, timeoutMs: 5 * minute });
  await runProcess(
    path.join(repoRoot, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '-o', vsix],
    { cwd: repoRoot, timeoutMs: 5 * minute },
  );
  return vsix;
}

async function createWorkspace(workspace: string): Promise<void> {
  await fs.mkdir(path.join(workspace, '.devcontainer'), { recursive: true });
  const config = { name: 'e2e', image: 'debian:bookworm' };
  await fs.writeFile(path.join(workspace, '.devcontainer', 'devcontainer.json'), JSON.stringify(config, null, 2));
  await fs.writeFile(path.join(workspace, markerFile), 'This file exists only in the end-to-end test workspace.\n');
}

/** Keeps the start page and update checks out of the way of the test. */
async function writeUserSettings(userDataDir: string): Promise<void> {
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
  };
  await fs.mkdir(path.join(userDataDir, 'User'), { recursive: true });
  await fs.writeFile(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

async function installExtension(options: { vsix: string; extensionsDir: string; userDataDir: string }): Promise<void> {
  const output = await runProcess(
    process.execPath,
    [
      codeServerEntry,
      '--extensions-dir',
      options.extensionsDir,
      '--user-data-dir',
      options.userDataDir,
      '--install-extension',
      options.vsix,
    ],
    { cwd: repoRoot, timeoutMs: 2 * minute },
  );
  assert.match(output, /successfully installed/i, `code-server did not install ${options.vsix}:\n${output}`);
}

interface CodeServerOptions {
  port: number;
  extensionsDir: string;
  userDataDir: string;
  workspace: string;
  logFile: string;
}

/** Starts code-server in its own process group, so cleanup ends its children too. */
function startCodeServer(options: CodeServerOptions): ChildProcess {
  const log = openSync(options.logFile, 'a');
  const args = [
    codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${options.port}`,
    '--extensions-dir',
    options.extensionsDir,
    '--user-data-dir',
    options.userDataDir,
    '--disable-telemetry',
    '--disable-update-check',
    options.workspace,
  ];
  try {
    return spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group exited between the check and the kill.
    }
  }, 5 * second);
  await exited;
  clearTimeout(timer);
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

async function waitForHttp(url: string, logFile: string): Promise<void> {
  try {
    await waitFor(
      async () => {
        const response = await fetch(url).catch(() => undefined);
        return response?.ok ? true : undefined;
      },
      { timeoutMs: minute, description: url },
    );
  } catch (error) {
    const log = await fs.readFile(logFile, 'utf8').catch(() => '');
    throw new Error(`${(error as Error).message}\ncode-server log:\n${log.slice(-4000)}`);
  }
}

/** Returns the extension host log line that records this extension's activation. */
async function findActivationLogLine(logsDir: string): Promise<string | undefined> {
  const entries = await fs.readdir(logsDir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.includes('exthost')) {
      continue;
    }
    const text = await fs.readFile(path.join(entry.parentPath, entry.name), 'utf8');
    const line = text.split('\n').find((candidate) => candidate.includes(`_doActivateExtension ${extensionId}`));
    if (line) {
      return line;
    }
  }
  return undefined;
}

async function openCommandPalette(page: Page): Promise<void> {
  // Ctrl+Shift+P does not reach the workbench in headless chromium, so the
  // palette is opened from the command center and switched to commands with '>'.
  await page.locator('.command-center .command-center-center').first().click();
  await page.locator('.quick-input-widget input.input').waitFor();
  await page.keyboard.type('>');
}

async function runCommand(page: Page, title: string): Promise<void> {
  await openCommandPalette(page);
  await page.keyboard.type(title);

  const label = page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) });
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: label }).first();
  await row.waitFor({ timeout: 30 * second });
  await row.click();
}

function toast(page: Page, text: string): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/** Throws with the text of the extension's error notification, when one is shown. */
async function throwOnFailureNotification(page: Page): Promise<void> {
  const failures = page.locator('.notifications-toasts .notification-toast', {
    hasText: /Starting the dev container failed|Dev container configuration error|failed with an unexpected error/,
  });
  if ((await failures.count()) === 0) {
    return;
  }
  const message = await failures.first().locator('.notification-list-item-message').innerText();
  throw new Error(`the extension reported a failure: ${message}`);
}

/**
 * Confirms the dialog shown before opening a link: Code-OSS shows one when
 * the browser blocks the new window and link protection shows one for an
 * untrusted domain.
 */
async function confirmOpenExternalLink(page: Page): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box');
  if ((await dialog.count()) === 0) {
    return;
  }
  const open = dialog.getByRole('button', { name: /^Open$/ });
  if ((await open.count()) > 0) {
    await open.first().click();
  }
}

/** Trusts the folder when the container's workbench shows the Workspace Trust dialog. */
async function trustIfAsked(page: Page): Promise<void> {
  const trustDialog = page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' });
  try {
    await trustDialog.waitFor({ timeout: 30 * second });
  } catch {
    return;
  }
  await trustDialog.getByRole('button', { name: /Yes, I trust the authors/ }).click();
}

/** Returns the folder path from the workbench configuration the server embeds in the page. */
async function workbenchFolderPath(page: Page): Promise<string | undefined> {
  const meta = page.locator('meta#vscode-workbench-web-configuration');
  await meta.waitFor({ state: 'attached', timeout: minute });
  const settings = JSON.parse((await meta.getAttribute('data-settings')) ?? '{}') as {
    folderUri?: { path?: string };
  };
  return settings.folderUri?.path;
}

async function findDevContainer(docker: Docker, workspace: string): Promise<string | undefined> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`devcontainer.local_folder=${workspace}`] },
  });
  return containers[0]?.Id;
}

async function removeDevContainers(docker: Docker, workspace: string): Promise<void> {
  const containers = await docker
    .listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${workspace}`] } })
    .catch(() => []);
  for (const container of containers) {
    await docker
      .getContainer(container.Id)
      .remove({ force: true, v: true })
      .catch((error: unknown) => console.error(`Removing container ${container.Id} failed: ${String(error)}`));
  }
}

async function saveScreenshots(context: BrowserContext, prefix: string): Promise<void> {
  const pages = context.pages();
  for (const [index, page] of pages.entries()) {
    await page.screenshot({ path: path.join(resultsDir, `${prefix}-${index}.png`) }).catch(() => undefined);
  }
}

interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  description: string;
  /** Runs between polls; a thrown error ends the wait early. */
  check?: () => Promise<unknown>;
}

async function waitFor<T>(poll: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const value = await poll();
    if (value !== undefined) {
      return value;
    }
    await options.check?.();
    await sleep(options.intervalMs ?? second);
  }
  throw new Error(`Timed out after ${options.timeoutMs / second} s waiting for ${options.description}`);
}

async function waitForPromise<T>(promise: Promise<T>, options: WaitOptions): Promise<T> {
  let settled: { value: T } | undefined;
  let failure: unknown;
  promise.then(
    (value) => {
      settled = { value };
    },
    (error: unknown) => {
      failure = error ?? new Error('rejected');
    },
  );
  return waitFor(
    async () => {
      if (failure !== undefined) {
        throw failure;
      }
      return settled?.value;
    },
    options,
  );
}

async function runProcess(command: string, args: string[], options: { cwd: string; timeoutMs: number }): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd: options.cwd,
      timeout: options.timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    const output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`.slice(-4000);
    throw new Error(`${command} ${args.join(' ')} failed (exit ${failed.code}):\n${output}`, { cause: error });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
