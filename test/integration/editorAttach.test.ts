import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tar from 'tar-fs';
import { connectEngine, type Engine } from '../../runtime/engine/client';
import { execCapture } from '../../runtime/engine/exec';
import { createLogger, formatText, type LogRecord } from '../../runtime/log';
import { prepareEditorServer } from '../../runtime/server/vscode/index';
import type { InstalledEditorServer, PrepareEditorServerOptions, PreparedEditorServer } from '../../runtime/server/vscode/types';
import { repoRoot, runProcess } from '../support/cli';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { fixtureServerApplicationName, makeServerFixture, type ServerFixture } from '../support/vscodeServer';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/**
 * Debian with a user `dev` and the host's ssh-add, which is a glibc binary
 * like the image's, with the libcrypto it links against. Removed after the tests.
 */
const testImage = 'open-devcontainers-editor-attach-test:latest';
const testImageLabel = 'open-devcontainers.test';
/** The fixture client product's serverDataFolderName. */
const serverDataFolderName = '.vscode-server-oss';
/** Where link-in-home.sh links the forwarded agent socket for `dev`. */
const stableAgentSocket = '/home/dev/.devcontainer-open/ssh-auth.sock';

const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'editor-attach-test-'));
const agentSocket = path.join(temporary, 'agent', 'agent.sock');
const hostHome = path.join(temporary, 'host-home');

/** Every log record of the in-process calls, at trace level, for the secret check. */
const records: LogRecord[] = [];
const logger = createLogger('trace', (record) => records.push(record), 'test');

async function buildTestImage(): Promise<void> {
  const context = path.join(temporary, 'image');
  fs.mkdirSync(context);
  fs.copyFileSync('/usr/bin/ssh-add', path.join(context, 'ssh-add'));
  fs.copyFileSync('/lib/x86_64-linux-gnu/libcrypto.so.3', path.join(context, 'libcrypto.so.3'));
  fs.writeFileSync(
    path.join(context, 'Dockerfile'),
    [
      'FROM debian:bookworm',
      'RUN useradd -m -u 1000 -s /bin/bash dev',
      'COPY ssh-add /usr/local/bin/ssh-add',
      'COPY libcrypto.so.3 /usr/local/lib/libcrypto.so.3',
      'RUN ldconfig && chmod 755 /usr/local/bin/ssh-add',
    ].join('\n'),
  );
  // tar-fs's Pack is a streamx stream, which dockerode's types do not name.
  const pack = tar.pack(context) as unknown as NodeJS.ReadableStream;
  const stream = await docker.buildImage(pack, { t: testImage, labels: { [testImageLabel]: 'editor-attach' } });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = output?.find((line) => line.error);
      if (error || failed) reject(error ?? new Error(failed?.error));
      else resolve();
    }),
  );
}

/** Writes a minimal .vsix (a zip with the manifest VS Code reads) into `folder`. */
function tinyVsix(folder: string): void {
  const source = path.join(temporary, 'vsix');
  fs.mkdirSync(path.join(source, 'extension'), { recursive: true });
  fs.writeFileSync(
    path.join(source, 'extension', 'package.json'),
    JSON.stringify({ name: 'tiny', publisher: 'opendevtest', version: '0.0.1', engines: { vscode: '^1.50.0' } }),
  );
  fs.writeFileSync(
    path.join(source, 'extension.vsixmanifest'),
    `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011">
  <Metadata><Identity Language="en-US" Id="tiny" Version="0.0.1" Publisher="opendevtest" /><DisplayName>tiny</DisplayName>
    <Properties><Property Id="Microsoft.VisualStudio.Code.Engine" Value="^1.50.0" /></Properties></Metadata>
  <Installation><InstallationTarget Id="Microsoft.VisualStudio.Code"/></Installation><Dependencies/>
  <Assets><Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" /></Assets>
</PackageManifest>`,
  );
  fs.writeFileSync(
    path.join(source, '[Content_Types].xml'),
    '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension=".json" ContentType="application/json"/><Default Extension=".vsixmanifest" ContentType="text/xml"/></Types>',
  );
  execFileSync('zip', ['-q', '-r', path.join(folder, 'tiny.vsix'), '.'], { cwd: source });
}

function attachWorkspace(): string {
  const folder = makeWorkspace({
    '.devcontainer/devcontainer.json': JSON.stringify({
      image: testImage,
      remoteUser: 'dev',
      // Root in the container reads /proc/PID/environ of dev's server only with this capability.
      capAdd: ['SYS_PTRACE'],
      customizations: {
        vscode: {
          settings: { 'editor.tabSize': 3, 'files.trimTrailingWhitespace': true },
          extensions: ['/workspaces/ws/tiny.vsix'],
        },
      },
    }),
  });
  tinyVsix(folder);
  return folder;
}

/** Finds the node process of the server in `serverFolder` and returns its pid; undefined when none runs. */
const findServerScript = `for entry in /proc/[0-9]*; do
  if tr '\\0' ' ' <"$entry/cmdline" 2>/dev/null | grep -qF "$1/out/server-main.js"; then
    echo "\${entry#/proc/}"
    exit 0
  fi
done`;

describe('editor attach', { timeout: 900_000 }, () => {
  let fixture: ServerFixture;
  let engine: Engine;
  let cache = '';
  let agentPid: number | undefined;
  let fingerprint = '';
  const volume = `devcontainer-open-test-editor-servers-${randomBytes(4).toString('hex')}`;
  const workspaces: string[] = [];
  const tokens = new Set<string>();
  const handles: InstalledEditorServer[] = [];
  const savedAgentSocket = process.env.SSH_AUTH_SOCK;

  function prepare(folder: string): Promise<PreparedEditorServer>;
  function prepare(folder: string, mode: { startServer: false }): Promise<InstalledEditorServer>;
  async function prepare(folder: string, mode?: { startServer: false }): Promise<InstalledEditorServer> {
    const options: PrepareEditorServerOptions = {
      workspaceFolder: folder,
      clientProductPath: fixture.clientProductPath,
      cacheFolder: cache,
      editorServerVolume: volume,
      hostHome,
      // The image has no git, so this shows that the option reaches the dotfiles step.
      dotfiles: { repository: '/workspaces/ws/dotfiles.git' },
      logger,
    };
    if (mode?.startServer === false) {
      const installed = await prepareEditorServer({ ...options, startServer: false });
      handles.push(installed);
      return installed;
    }
    const server = await prepareEditorServer({ ...options, startServer: true });
    handles.push(server);
    tokens.add(server.connectionToken);
    return server;
  }

  /** Runs a shell script in the container and returns its stdout; fails the test on a non-zero exit. */
  async function inContainer(containerId: string, script: string, options: { user?: string; env?: Record<string, string>; args?: string[] } = {}): Promise<string> {
    const result = await execCapture(engine, containerId, {
      cmd: ['/bin/sh', '-c', script, 'sh', ...(options.args ?? [])],
      user: options.user ?? 'dev',
      env: options.env,
    });
    assert.equal(result.exitCode, 0, `${script}\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  /** Returns the server process's environment, read as root from /proc. */
  async function serverEnvironment(server: PreparedEditorServer): Promise<{ pid: string; env: Map<string, string> }> {
    const pid = (await inContainer(server.containerId, findServerScript, { user: 'root', args: [server.serverFolder] })).trim();
    assert.match(pid, /^\d+$/, 'no server process found');
    const text = await inContainer(server.containerId, 'cat "/proc/$1/environ"', { user: 'root', args: [pid] });
    const env = new Map<string, string>();
    for (const entry of text.split('\0')) {
      const equals = entry.indexOf('=');
      if (equals > 0) env.set(entry.slice(0, equals), entry.slice(equals + 1));
    }
    return { pid, env };
  }

  before(async () => {
    engine = await connectEngine({ logger: createLogger('error', () => undefined) });
    fixture = await makeServerFixture();
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'editor-attach-cache-'));
    await buildTestImage();

    fs.mkdirSync(hostHome);
    fs.writeFileSync(path.join(hostHome, '.gitconfig'), '[user]\n\temail = host-user@example.com\n');

    fs.mkdirSync(path.dirname(agentSocket));
    const agentOutput = execFileSync('ssh-agent', ['-s', '-a', agentSocket], { encoding: 'utf8' });
    agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(agentOutput)?.[1]);
    const key = path.join(temporary, 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'editor-attach-key', '-f', key]);
    execFileSync('ssh-add', [key], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, stdio: 'pipe' });
    fingerprint = execFileSync('ssh-keygen', ['-lf', `${key}.pub`], { encoding: 'utf8' }).split(' ')[1];
    process.env.SSH_AUTH_SOCK = agentSocket;
  });

  after(async () => {
    for (const handle of handles) await handle.close();
    if (savedAgentSocket === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = savedAgentSocket;
    if (agentPid) process.kill(agentPid);
    for (const folder of workspaces) {
      await removeWorkspaceContainers(folder);
      removeWorkspace(folder);
    }
    await docker.getImage(testImage).remove({ force: true }).catch(() => undefined);
    await docker.getVolume(volume).remove().catch(() => undefined);
    await fixture?.dispose();
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(temporary, { recursive: true, force: true });
  });

  describe('started server', () => {
    let server: PreparedEditorServer;
    let firstPid = '';

    before(async () => {
      const folder = attachWorkspace();
      workspaces.push(folder);
      server = await prepare(folder);
    });

    test('machine settings written', async () => {
      const file = `~/${serverDataFolderName}/data/Machine/settings.json`;
      const settings = JSON.parse(await inContainer(server.containerId, `cat ${file}`));
      assert.equal(settings['editor.tabSize'], 3);
      assert.equal(settings['files.trimTrailingWhitespace'], true);
    });

    test('extension installed through server CLI', async () => {
      const cli = `${server.serverFolder}/bin/${fixtureServerApplicationName}`;
      const listed = await inContainer(server.containerId, '"$1" --list-extensions', { args: [cli] });
      assert.match(listed, /^opendevtest\.tiny$/m);
      assert.deepEqual(server.extensionFailures, []);
    });

    test('gitconfig and dotfiles steps ran', async () => {
      assert.equal(await inContainer(server.containerId, 'cat ~/.gitconfig'), '[user]\n\temail = host-user@example.com\n');
      const log = records.map((record) => record.message).join('\n');
      assert.match(log, /Skipped the dotfiles from \/workspaces\/ws\/dotfiles\.git: git is not installed/);
      assert.deepEqual(server.warnings, []);
    });

    test('server environment has forwarded agent', async () => {
      const { pid, env } = await serverEnvironment(server);
      firstPid = pid;
      assert.equal(env.get('SSH_AUTH_SOCK'), stableAgentSocket);
      const keys = await inContainer(server.containerId, 'ssh-add -l', { env: { SSH_AUTH_SOCK: stableAgentSocket } });
      assert.match(keys, /editor-attach-key/);
      assert.ok(keys.includes(fingerprint), keys);
    });

    test('close removes relay socket', async () => {
      const relaySocket = (await inContainer(server.containerId, 'readlink "$1"', { args: [stableAgentSocket] })).trim();
      assert.match(relaySocket, /^\/tmp\/devcontainer-relay-[^/]+\/ssh-agent\.sock$/);
      assert.equal(await inContainer(server.containerId, 'test -S "$1" && echo listening', { args: [relaySocket] }), 'listening\n');

      await server.close();
      assert.equal(await inContainer(server.containerId, 'test -e "$1" || echo gone', { args: [path.posix.dirname(relaySocket)] }), 'gone\n');
      const result = await execCapture(engine, server.containerId, { cmd: ['ssh-add', '-l'], user: 'dev', env: { SSH_AUTH_SOCK: stableAgentSocket } });
      assert.equal(result.exitCode, 2, 'ssh-add reaches no agent once the relay is closed');
    });

    test('reload reuses server with working agent', async () => {
      const again = await prepare(workspaces[0]);
      assert.equal(again.containerId, server.containerId);
      assert.equal(again.reused, true);
      const { pid, env } = await serverEnvironment(again);
      assert.equal(pid, firstPid);
      // The reused server keeps the path it was started with, which now leads to the new relay.
      assert.equal(env.get('SSH_AUTH_SOCK'), stableAgentSocket);
      assert.match(await inContainer(again.containerId, 'ssh-add -l', { env: { SSH_AUTH_SOCK: stableAgentSocket } }), /editor-attach-key/);
      await again.close();
    });

    test('closed relay lets the process exit', async () => {
      // A separate process prepares and closes; it must end by itself.
      const script = [
        "const { prepareEditorServer } = require('./runtime/server/vscode/index.ts');",
        "const { createLogger } = require('./runtime/log.ts');",
        'const options = JSON.parse(process.env.EDITOR_ATTACH_OPTIONS);',
        "prepareEditorServer({ ...options, logger: createLogger('error', (record) => console.error(record.message)) })",
        '  .then(async (server) => { await server.close(); console.log(`closed ${Date.now()}`); })',
        '  .catch((error) => { console.error(error); process.exitCode = 1; });',
      ].join('\n');
      const options = { workspaceFolder: workspaces[0], clientProductPath: fixture.clientProductPath, cacheFolder: cache, editorServerVolume: volume, hostHome };
      const child = await runProcess(
        process.execPath,
        ['--import', 'tsx', '--import', './test/support/textAssets.mjs', '-e', script],
        { cwd: repoRoot, env: { ...process.env, EDITOR_ATTACH_OPTIONS: JSON.stringify(options) }, timeoutMs: 120_000 },
      );
      const exited = Date.now();
      assert.equal(child.exitCode, 0, child.stderr);
      const closedAt = Number(/^closed (\d+)$/m.exec(child.stdout)?.[1]);
      assert.ok(closedAt > 0, child.stdout);
      assert.ok(exited - closedAt < 3000, `the process ended ${exited - closedAt} ms after close()`);
    });
  });

  describe('startServer false', () => {
    let installed: InstalledEditorServer;

    before(async () => {
      const folder = attachWorkspace();
      workspaces.push(folder);
      installed = await prepare(folder, { startServer: false });
    });

    test('server linked for Remote-SSH', async () => {
      assert.equal(installed.remoteSshServerFolder, `~/${serverDataFolderName}/bin/${fixture.commit}`);
      const link = await inContainer(installed.containerId, 'readlink "$HOME/$1"', { args: [installed.remoteSshServerFolder.slice(2)] });
      assert.equal(link.trim(), installed.serverFolder);
      assert.equal(await inContainer(installed.containerId, 'test -x "$1/bin/$2" && echo runnable', { args: [installed.serverFolder, fixtureServerApplicationName] }), 'runnable\n');
    });

    test('no server process, no relay', async () => {
      assert.equal('connectionToken' in installed, false);
      const pid = await inContainer(installed.containerId, findServerScript, { user: 'root', args: [installed.serverFolder] });
      assert.equal(pid, '');
      assert.equal(await inContainer(installed.containerId, 'ls -d /tmp/devcontainer-relay-* 2>/dev/null || echo none'), 'none\n');
      assert.equal(await inContainer(installed.containerId, 'test -e "$1" || echo none', { args: [stableAgentSocket] }), 'none\n');
    });

    test('settings and extension applied', async () => {
      const settings = JSON.parse(await inContainer(installed.containerId, `cat ~/${serverDataFolderName}/data/Machine/settings.json`));
      assert.equal(settings['editor.tabSize'], 3);
      const cli = `${installed.serverFolder}/bin/${fixtureServerApplicationName}`;
      assert.match(await inContainer(installed.containerId, '"$1" --list-extensions', { args: [cli] }), /^opendevtest\.tiny$/m);
      assert.equal(await inContainer(installed.containerId, 'cat ~/.gitconfig'), '[user]\n\temail = host-user@example.com\n');
    });
  });

  test('trace log contains no connection token', () => {
    assert.ok(tokens.size >= 1);
    assert.ok(records.some((record) => record.level === 'trace'));
    const text = records.map((record) => formatText(record)).join('\n');
    for (const token of tokens) {
      assert.ok(!text.includes(token), 'the captured log contains a connection token');
    }
  });
});
