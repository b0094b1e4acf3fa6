/**
 * Runs the extension in a VS Code desktop build through @vscode/test-electron.
 * The build is downloaded from Microsoft's update service. Where that service
 * cannot be reached, each test reports itself skipped with the download error
 * as the reason, so the run shows the gap instead of hiding it.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { promisify } from 'node:util';
import { downloadAndUnzipVSCode, runTests, SilentReporter } from '@vscode/test-electron';

const execFileAsync = promisify(execFile);

const repoRoot = path.resolve(__dirname, '..', '..');
const extensionId = 'open-devcontainers.open-devcontainers';
/** The oldest VS Code that `engines.vscode` accepts. */
const vscodeVersion = '1.96.0';
/** Idle timeout of each download request, in milliseconds. */
const downloadTimeoutMs = 15_000;
const minute = 60_000;

/**
 * The suites that run inside the editor's extension host. Each is written to
 * a temporary CommonJS file, because the extension host loads the tests with
 * `require` and this repository has no compile step for test files.
 */
const commandsSuite = `
const assert = require('node:assert/strict');
const vscode = require('vscode');

exports.run = async function run() {
  const extension = vscode.extensions.getExtension('${extensionId}');
  assert.ok(extension, 'the extension under development is not loaded');
  await extension.activate();

  const commands = await vscode.commands.getCommands(true);
  for (const id of [
    'openDevcontainers.reopenInContainer',
    'openDevcontainers.rebuildContainer',
    'openDevcontainers.rebuildContainerNoCache',
    'openDevcontainers.showLog',
  ]) {
    assert.ok(commands.includes(id), id + ' is not registered');
  }
};
`;

/**
 * Checks that the resolver registers when the editor allows the proposed API,
 * which the launch does with --enable-proposed-api.
 */
const resolverSuite = `
const assert = require('node:assert/strict');
const vscode = require('vscode');

exports.run = async function run() {
  const extension = vscode.extensions.getExtension('${extensionId}');
  assert.ok(extension, 'the extension under development is not loaded');
  const api = await extension.activate();
  assert.equal(api.resolverApi, 'allowed');
  assert.equal(vscode.workspace.getConfiguration('openDevcontainers').get('attachMode'), 'auto');
};
`;

test('extension in VS Code desktop', { timeout: 20 * minute }, async (t) => {
  await runInDesktop(t, commandsSuite, []);
});

test('resolver registers in VS Code desktop', { timeout: 20 * minute }, async (t) => {
  await runInDesktop(t, resolverSuite, ['--enable-proposed-api', extensionId]);
});

/** Downloads VS Code (or skips the test with the reason), builds the extension and runs `suite` in it. */
async function runInDesktop(t: TestContext, suite: string, extraArgs: string[]): Promise<void> {
  const vscodeExecutablePath = await downloadVSCode();
  if (typeof vscodeExecutablePath !== 'string') {
    t.skip(vscodeExecutablePath.skipReason);
    return;
  }

  const tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'devcontainers-electron-'));
  try {
    await execFileAsync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, timeout: 5 * minute });

    const suiteFile = path.join(tempRoot, 'suite.cjs');
    await fs.writeFile(suiteFile, suite);
    const workspace = path.join(tempRoot, 'workspace');
    await fs.mkdir(path.join(workspace, '.devcontainer'), { recursive: true });
    await fs.writeFile(
      path.join(workspace, '.devcontainer', 'devcontainer.json'),
      JSON.stringify({ image: 'debian:bookworm' }),
    );

    // NOTE: this path has never run. On Linux the editor needs a display, for
    // example Xvfb, and nothing here starts one.
    const exitCode = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteFile,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        path.join(tempRoot, 'user-data'),
        ...extraArgs,
      ],
    });
    if (exitCode !== 0) {
      throw new Error(`The in-editor suite failed with exit code ${exitCode}`);
    }
  } finally {
    await fs.rm(tempRoot, { recursive: true, force: true });
  }
}

/** Returns the path of the VS Code executable, or the reason it could not be downloaded. */
async function downloadVSCode(): Promise<string | { skipReason: string }> {
  const cachePath = path.join(repoRoot, '.cache', 'vscode-test');
  await fs.mkdir(cachePath, { recursive: true });
  try {
    return await downloadAndUnzipVSCode({
      version: vscodeVersion,
      cachePath,
      timeout: downloadTimeoutMs,
      reporter: new SilentReporter(),
    });
  } catch (error) {
    return { skipReason: `VS Code ${vscodeVersion} desktop could not be downloaded: ${error instanceof Error ? error.message : String(error)}` };
  }
}
