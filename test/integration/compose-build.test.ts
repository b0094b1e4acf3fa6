import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { after, describe, test } from 'node:test';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { parseResultLine, runCli } from '../support/cli';
import { removeComposeProjects, workspaceProject } from '../support/composeProject';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

const name = `cmp-build-${crypto.randomBytes(4).toString('hex')}`;
const folder = makeWorkspace(
  {
    '.devcontainer/devcontainer.json': JSON.stringify({
      dockerComposeFile: 'compose.yml',
      service: 'app',
      workspaceFolder: '/src',
      features: { './marker': { greeting: 'hi from the feature' } },
      postCreateCommand: 'cat /etc/marker > /tmp/post-create.txt',
    }),
    '.devcontainer/compose.yml': [
      'services:',
      '  app:',
      '    build:',
      '      context: ..',
      '      dockerfile: .devcontainer/Dockerfile',
      '      args:',
      '        BUILD_GREETING: ${GREETING:-not-from-dotenv}',
      '    init: true',
      '    command: ["sleep", "infinity"]',
      '    volumes:',
      '      - ..:/src',
      '',
    ].join('\n'),
    '.devcontainer/.env': 'GREETING=from-dotenv\n',
    '.devcontainer/Dockerfile': 'FROM debian:bookworm\nARG BUILD_GREETING\nCOPY marker.txt /built-from-context.txt\nRUN echo "$BUILD_GREETING" > /build-greeting\n',
    '.devcontainer/marker/devcontainer-feature.json': JSON.stringify({
      id: 'marker',
      version: '1.0.0',
      options: { greeting: { type: 'string', default: 'hello' } },
      containerEnv: { MARKER_ENV: 'set by the feature' },
      entrypoint: '/usr/local/share/marker-start.sh',
    }),
    '.devcontainer/marker/install.sh': [
      '#!/bin/sh',
      'set -e',
      'echo "$GREETING" > /etc/marker',
      'printf "#!/bin/sh\\necho started > /tmp/marker-started\\n" > /usr/local/share/marker-start.sh',
      'chmod +x /usr/local/share/marker-start.sh',
      '',
    ].join('\n'),
    'marker.txt': 'context file\n',
  },
  name,
);
const project = workspaceProject(folder, `${name}_devcontainer`);
const builtImage = `${name}-prebuilt:test`;

after(async () => {
  await removeWorkspaceContainers(folder);
  await removeComposeProjects([project]);
  await docker.getImage(builtImage).remove().catch(() => undefined);
  removeWorkspace(folder);
});

describe('compose service built from a Dockerfile with a Feature', () => {
  let containerId = '';

  test('up builds the service and installs the Feature', async () => {
    const result = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    containerId = String(parseResultLine(result.stdout).containerId);
    const info = await docker.getContainer(containerId).inspect();
    assert.match(info.Config.Image, /^devcontainer-cmp-build-.*-features$/);
    const metadata = JSON.parse(info.Config.Labels['devcontainer.metadata']) as { id?: string; entrypoint?: string }[];
    assert.equal(metadata.find((entry) => entry.id === './marker')?.entrypoint, '/usr/local/share/marker-start.sh');
    assert.ok(await docker.getImage(`${project.name}_app`).inspect(), 'compose tags the service image');
  });

  test('build arguments come from the .env file', async () => {
    const result = await runCli(['exec', '--workspace-folder', folder, 'cat', '/build-greeting', '/built-from-context.txt']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'from-dotenv\ncontext file\n');
  });

  test('Feature files, env and entrypoint apply', async () => {
    const result = await runCli(['exec', '--workspace-folder', folder, 'sh', '-c', 'cat /etc/marker /tmp/post-create.txt /tmp/marker-started; echo "$MARKER_ENV"; pwd']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'hi from the feature\nhi from the feature\nstarted\nset by the feature\n/src\n');
  });

  test('service command runs after the Feature entrypoint', async () => {
    const result = await runCli(['exec', '--workspace-folder', folder, 'sh', '-c', "tr '\\0' ' ' < /proc/1/cmdline"]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /marker-start\.sh.* - sleep infinity $/s);
  });

  test('build labels the main service image', async () => {
    const result = await runCli(['build', '--workspace-folder', folder, '--image-name', builtImage]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(parseResultLine(result.stdout).imageName, [builtImage]);
    const labels = (await docker.getImage(builtImage).inspect()).Config.Labels;
    const metadata = JSON.parse(labels['devcontainer.metadata']) as { id?: string; postCreateCommand?: string }[];
    assert.ok(metadata.some((entry) => entry.id === './marker'));
    assert.equal(metadata[metadata.length - 1].postCreateCommand, 'cat /etc/marker > /tmp/post-create.txt');
  });
});
