import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tar from 'tar-fs';
import { prepareContainerForEditor, type PreparedContainer, type PrepareContainerOptions } from '../../runtime/attach/index';
import { runPostAttachCommand } from '../../runtime/attach/postAttach';
import { mergedConfiguration } from '../../runtime/config/merged';
import { connectEngine, type Engine } from '../../runtime/engine/client';
import { execCapture } from '../../runtime/engine/exec';
import { createLogger, formatText, type Logger } from '../../runtime/log';
import { installServer } from '../../runtime/server/install';
import { up } from '../../runtime/up/index';
import { metadataFor } from '../../runtime/up/running';
import { repoRoot, runProcess } from '../support/cli';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/** Debian with git and the OpenSSH client, and a user `dev` (uid 1000); removed after the tests. */
const testImage = 'open-devcontainers-attach-test:latest';
const testImageLabel = 'open-devcontainers.test';
/** The code-server 1.96 server's data folder name, from its lib/vscode/product.json. */
const serverDataFolderName = '.vscode-server-oss';
const password = 's3cret-pass-4711';

const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'attach-test-'));
let agentPid: number | undefined;

async function buildTestImage(): Promise<void> {
  const context = path.join(temporary, 'image');
  fs.mkdirSync(context);
  fs.writeFileSync(
    path.join(context, 'Dockerfile'),
    [
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client && rm -rf /var/lib/apt/lists/*',
      'RUN useradd -m -u 1000 -s /bin/bash dev',
    ].join('\n'),
  );
  // tar-fs's Pack is a streamx stream, which dockerode's types do not name.
  const pack = tar.pack(context) as unknown as NodeJS.ReadableStream;
  const stream = await docker.buildImage(pack, { t: testImage, labels: { [testImageLabel]: 'attach' } });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = output?.find((line) => line.error);
      if (error || failed) reject(error ?? new Error(failed?.error));
      else resolve();
    }),
  );
}

/** Creates a bare repository from files, owned by uid 1000 so `dev` in the container may clone it. */
function bareRepository(parent: string, name: string, files: Record<string, string>): void {
  const work = path.join(temporary, `${name}-work`);
  fs.mkdirSync(work, { recursive: true });
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(work, relative)), { recursive: true });
    fs.writeFileSync(path.join(work, relative), content, { mode: 0o755 });
  }
  const git = (args: string[], cwd: string) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd, stdio: 'pipe' });
  git(['init', '-q', '-b', 'main'], work);
  git(['add', '-A'], work);
  git(['commit', '-q', '-m', 'dotfiles'], work);
  git(['clone', '-q', '--bare', work, path.join(parent, name)], temporary);
  execFileSync('chown', ['-R', '1000:1000', path.join(parent, name)]);
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
  fs.writeFileSync(path.join(folder, 'broken.vsix'), 'this is not a zip archive\n');
}

function capturingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  return { logger: createLogger('trace', (record) => lines.push(formatText(record))), text: () => lines.join('\n') };
}

const workspace = makeWorkspace({
  '.devcontainer/devcontainer.json': JSON.stringify({
    image: testImage,
    remoteUser: 'dev',
    runArgs: ['--network=none'],
    portsAttributes: { '3000': { label: 'web app', onAutoForward: 'notify', requireLocalPort: true } },
    otherPortsAttributes: { onAutoForward: 'ignore' },
    postAttachCommand: 'echo attached >> /tmp/post-attach.count',
    customizations: {
      vscode: {
        settings: { 'editor.tabSize': 2, 'files.eol': '\n' },
        extensions: ['/workspaces/ws/tiny.vsix', '/workspaces/ws/broken.vsix', '-not.listed'],
      },
    },
  }),
});

describe('attach preparation', { timeout: 600_000 }, () => {
  let engine: Engine;
  let containerId = '';
  let remoteEnv: Record<string, string> = {};
  let merged: Record<string, unknown> = {};
  let node = '';
  let serverCli = '';
  const hostHome = path.join(temporary, 'host-home');
  const agentSocket = path.join(temporary, 'agent', 'agent.sock');
  const credentialsFile = path.join(temporary, 'git-credentials');

  /** Runs a shell command in the container as `dev` and returns its output; fails the test on a non-zero exit. */
  async function inContainer(script: string, env: Record<string, string> = {}, user = 'dev'): Promise<string> {
    const result = await execCapture(engine, containerId, { cmd: ['/bin/sh', '-c', script], user, env });
    assert.equal(result.exitCode, 0, `${script}\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  function prepare(logger: Logger, extra: Partial<PrepareContainerOptions> = {}): Promise<PreparedContainer> {
    return prepareContainerForEditor({
      engine,
      containerId,
      remoteUser: 'dev',
      mergedConfiguration: merged,
      remoteEnv,
      serverDataFolderName,
      serverCli,
      node,
      hostHome,
      sshAuthSock: agentSocket,
      gitCredentials: { env: { ...process.env, HOME: hostHome, GIT_CONFIG_NOSYSTEM: '1' } },
      logger,
      ...extra,
    });
  }

  before(async () => {
    await buildTestImage();
    tinyVsix(workspace);
    bareRepository(workspace, 'dotfiles.git', {
      'install.sh': '#!/bin/sh\necho installing >> "$HOME/dotfiles-install.count"\n',
      'fail.sh': '#!/bin/sh\necho boom from fail.sh\nexit 3\n',
      '.dotrc': 'from dotfiles\n',
    });
    bareRepository(workspace, 'dotlinks.git', { '.linkedrc': 'linked\n', 'README.md': 'no install script here\n' });

    fs.mkdirSync(hostHome, { recursive: true });
    fs.writeFileSync(
      path.join(hostHome, '.gitconfig'),
      `[user]\n\tname = Host User\n\temail = host@example.com\n[credential]\n\thelper = store --file=${credentialsFile}\n`,
    );
    fs.writeFileSync(credentialsFile, `https://alice:${password}@example.com\n`, { mode: 0o600 });

    fs.mkdirSync(path.dirname(agentSocket));
    const agentOutput = execFileSync('ssh-agent', ['-s', '-a', agentSocket], { encoding: 'utf8' });
    agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(agentOutput)?.[1]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'attach-test-key', '-f', path.join(temporary, 'key')]);
    execFileSync('ssh-add', [path.join(temporary, 'key')], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, stdio: 'pipe' });
  });

  after(async () => {
    if (agentPid) process.kill(agentPid);
    await removeWorkspaceContainers(workspace);
    removeWorkspace(workspace);
    await docker.getImage(testImage).remove({ force: true }).catch(() => undefined);
    fs.rmSync(temporary, { recursive: true, force: true });
  });

  test('up with dotfiles flags installs them once', async () => {
    const cli = ['--import', 'tsx', '--import', './test/support/textAssets.mjs', 'runtime/cli/main.ts'];
    const args = [...cli, 'up', '--workspace-folder', workspace, '--dotfiles-repository', '/workspaces/ws/dotfiles.git'];
    const first = await runProcess(process.execPath, args, { cwd: repoRoot });
    assert.equal(first.exitCode, 0, first.stderr);
    containerId = String(JSON.parse(first.stdout.trim().split('\n').pop() ?? '{}').containerId);
    engine = await connectEngine({ logger: createLogger('error', () => undefined) });

    assert.equal(await inContainer('cat ~/dotfiles/.dotrc'), 'from dotfiles\n');
    assert.equal(await inContainer('cat ~/dotfiles-install.count'), 'installing\n');
    assert.equal(await inContainer('stat -c %U ~/dotfiles/install.sh'), 'dev\n');

    const second = await runProcess(process.execPath, args, { cwd: repoRoot });
    assert.equal(second.exitCode, 0, second.stderr);
    assert.equal(await inContainer('cat ~/dotfiles-install.count'), 'installing\n');
  });

  test('attach to a running container reruns postAttach', async () => {
    assert.equal(await inContainer('cat /tmp/post-attach.count'), 'attached\nattached\n');

    const { logger } = capturingLogger();
    const result = await up({ workspaceFolder: workspace, logger });
    assert.equal(result.containerId, containerId);
    assert.equal(result.created, false);
    assert.equal(await inContainer('cat /tmp/post-attach.count'), 'attached\nattached\nattached\n');
    remoteEnv = result.remoteEnv;
    const info = await docker.getContainer(containerId).inspect();
    merged = mergedConfiguration(result.loaded.config, await metadataFor(engine, info, result.loaded));

    assert.equal(await runPostAttachCommand({ engine, containerId, loaded: result.loaded, logger }), true);
    assert.equal(await inContainer('wc -l < /tmp/post-attach.count'), '4\n');
  });

  test('server installed for the attach', async () => {
    const { logger } = capturingLogger();
    const installation = await installServer({ engine, containerId, logger });
    node = installation.node;
    // code-server's VS Code server launcher runs the node binary beside its own folder.
    await inContainer(`ln -sf ../../node ${installation.folder}/lib/vscode/node`, {}, 'root');
    serverCli = `${installation.folder}/lib/vscode/bin/code-server-oss`;
    // A settings file the user wrote before, whose keys must stay.
    await inContainer(
      `mkdir -p ~/${serverDataFolderName}/data/Machine && printf '%s' '{ "mine": true, "editor.tabSize": 8 }' > ~/${serverDataFolderName}/data/Machine/settings.json`,
    );
  });

  describe('first attach', () => {
    let prepared: PreparedContainer;
    const log = capturingLogger();

    before(async () => {
      prepared = await prepare(log.logger);
    });
    after(async () => {
      await prepared?.close();
    });

    test('settings merge keeps foreign keys', async () => {
      const settings = JSON.parse(await inContainer(`cat ~/${serverDataFolderName}/data/Machine/settings.json`));
      assert.equal(settings.mine, true);
      assert.equal(settings['editor.tabSize'], 2);
      assert.equal(settings['files.eol'], '\n');
      assert.deepEqual(settings['remote.portsAttributes'], { '3000': { label: 'web app', onAutoForward: 'notify', requireLocalPort: true } });
      assert.deepEqual(settings['remote.otherPortsAttributes'], { onAutoForward: 'ignore' });
      assert.equal(await inContainer(`stat -c %U ~/${serverDataFolderName}/data/Machine/settings.json`), 'dev\n');
    });

    test('gitconfig copied from the host', async () => {
      assert.equal(await inContainer('git config --global user.email'), 'host@example.com\n');
    });

    test('ssh agent seen from the container', async () => {
      const socket = prepared.remoteEnv.SSH_AUTH_SOCK;
      assert.ok(socket, 'SSH_AUTH_SOCK is returned');
      const keys = await inContainer('ssh-add -l', { SSH_AUTH_SOCK: socket });
      const fingerprint = execFileSync('ssh-keygen', ['-lf', path.join(temporary, 'key.pub')], { encoding: 'utf8' }).split(' ')[1];
      assert.match(keys, /attach-test-key/);
      assert.ok(keys.includes(fingerprint), keys);
    });

    test('ssh agent serves parallel connections', async () => {
      const script = 'for i in 1 2 3 4 5 6; do ssh-add -l > /tmp/agent-$i.out & done; wait; cat /tmp/agent-*.out';
      const output = await inContainer(script, { SSH_AUTH_SOCK: prepared.remoteEnv.SSH_AUTH_SOCK ?? '' });
      assert.equal(output.match(/attach-test-key/g)?.length, 6, output);
    });

    test('relay socket private to the remote user', async () => {
      const socket = prepared.remoteEnv.SSH_AUTH_SOCK ?? '';
      assert.equal(await inContainer(`stat -c '%U %a' "${socket}" "${path.posix.dirname(socket)}"`), 'dev 600\ndev 700\n');
    });

    test('git credential fill answered by the host', async () => {
      const output = await inContainer("printf 'protocol=https\\nhost=example.com\\n\\n' | git credential fill", { GIT_TERMINAL_PROMPT: '0' });
      assert.match(output, /^username=alice$/m);
      assert.match(output, new RegExp(`^password=${password}$`, 'm'));
    });

    test('git credential approve reaches the host store', async () => {
      await inContainer("printf 'protocol=https\\nhost=git.example.org\\nusername=bob\\npassword=other-secret-99\\n\\n' | git credential approve");
      assert.match(fs.readFileSync(credentialsFile, 'utf8'), /https:\/\/bob:other-secret-99@git\.example\.org/);
    });

    test('credential helper keeps the copied gitconfig entries', async () => {
      const helpers = (await inContainer('git config --global --get-all credential.helper')).trim().split('\n');
      assert.equal(helpers.length, 2, helpers.join('\n'));
      assert.equal(helpers[0], `store --file=${credentialsFile}`);
      assert.match(helpers[1], /devcontainer-relay-/);
      assert.equal(await inContainer('git config --global user.name'), 'Host User\n');
    });

    test('extension installed, failure reported as warning', async () => {
      assert.match(await inContainer(`ls ~/${serverDataFolderName}/extensions`), /opendevtest\.tiny-0\.0\.1/);
      assert.equal(prepared.extensionFailures.length, 1);
      assert.equal(prepared.extensionFailures[0].extension, '/workspaces/ws/broken.vsix');
      assert.notEqual(prepared.extensionFailures[0].exitCode, 0);
      assert.match(log.text(), /warn .*Installing extension \/workspaces\/ws\/broken\.vsix failed with exit code \d+/);
      assert.match(log.text(), /Failed Installing Extensions/);
      assert.doesNotMatch(log.text(), /Installing extension \/workspaces\/ws\/tiny\.vsix failed/);
    });

    test('no credential values in logs', () => {
      assert.ok(log.text().includes('git credential fill for https://example.com'), log.text());
      assert.ok(!log.text().includes(password));
      assert.ok(!log.text().includes('other-secret-99'));
    });
  });

  describe('second attach', () => {
    let prepared: PreparedContainer;
    const log = capturingLogger();

    before(async () => {
      fs.writeFileSync(path.join(hostHome, '.gitconfig'), '[user]\n\temail = changed@example.com\n');
      await inContainer(`printf '%s' '{ "editor.tabSize": 8, "later": 1 }' > ~/${serverDataFolderName}/data/Machine/settings.json`);
      prepared = await prepare(log.logger);
    });
    after(async () => {
      await prepared?.close();
    });

    test('gitconfig in the container not overwritten', async () => {
      assert.equal(await inContainer('git config --global user.email'), 'host@example.com\n');
    });

    test('settings merged again', async () => {
      const settings = JSON.parse(await inContainer(`cat ~/${serverDataFolderName}/data/Machine/settings.json`));
      assert.equal(settings.later, 1);
      assert.equal(settings['editor.tabSize'], 2);
    });

    test('installed extension not reinstalled', () => {
      assert.doesNotMatch(log.text(), /Installed \d+ extension/);
      assert.equal(prepared.extensionFailures.length, 1, 'the failed one is tried again');
    });

    test('one credential helper entry after reattach', async () => {
      const helpers = (await inContainer('git config --global --get-all credential.helper')).trim().split('\n');
      assert.equal(helpers.filter((helper) => helper.includes('devcontainer-relay-')).length, 1);
    });
  });

  test('relay close removes its sockets', async () => {
    const prepared = await prepare(capturingLogger().logger, { gitCredentials: false });
    const folder = path.posix.dirname(prepared.remoteEnv.SSH_AUTH_SOCK ?? '');
    assert.equal(await inContainer(`test -S "${folder}/ssh-agent.sock" && echo yes`), 'yes\n');
    await prepared.close();
    await prepared.relayClosed;
    assert.equal(await inContainer(`test -e "${folder}" || echo gone`), 'gone\n');
  });

  test('killed relay folder removed by the next', async () => {
    const first = await prepare(capturingLogger().logger, { gitCredentials: false });
    const folder = path.posix.dirname(first.remoteEnv.SSH_AUTH_SOCK ?? '');
    await inContainer(`kill -9 "$(cat "${folder}/pid")"`);
    await first.relayClosed;
    assert.equal(await inContainer(`test -e "${folder}" && echo left`), 'left\n');

    const second = await prepare(capturingLogger().logger, { gitCredentials: false });
    try {
      assert.equal(await inContainer(`test -e "${folder}" || echo gone`), 'gone\n');
      assert.match(await inContainer('ssh-add -l', { SSH_AUTH_SOCK: second.remoteEnv.SSH_AUTH_SOCK ?? '' }), /attach-test-key/);
    } finally {
      await second.close();
    }
  });

  test('dotfiles failure reports command, exit code and output', async () => {
    await inContainer('rm -f ~/.devcontainer/.dotfilesMarker');
    const log = capturingLogger();
    const prepared = await prepare(log.logger, {
      dotfiles: { repository: '/workspaces/ws/dotfiles.git', installCommand: 'fail.sh' },
      sshAuthSock: null,
      gitCredentials: false,
    });
    assert.equal(prepared.warnings.length, 1, prepared.warnings.join('\n'));
    assert.match(prepared.warnings[0], /fail\.sh/);
    assert.match(prepared.warnings[0], /exit code 3/);
    assert.match(prepared.warnings[0], /boom from fail\.sh/);
    assert.equal(await inContainer('test -e ~/.devcontainer/.dotfilesMarker || echo none'), 'none\n');
  });

  test('dotfiles without a script are linked', async () => {
    const prepared = await prepare(capturingLogger().logger, {
      dotfiles: { repository: '/workspaces/ws/dotlinks.git', targetPath: '~/dotlinks' },
      sshAuthSock: null,
      gitCredentials: false,
    });
    assert.deepEqual(prepared.warnings, []);
    assert.equal(await inContainer('readlink ~/.linkedrc'), '/home/dev/dotlinks/.linkedrc\n');
    assert.equal(await inContainer('test -e ~/README.md || echo not-linked'), 'not-linked\n');
    assert.equal(await inContainer('test -e ~/.devcontainer/.dotfilesMarker && echo marked'), 'marked\n');
  });
});
