import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { after, describe, test } from 'node:test';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { parseResultLine, runCli } from '../support/cli';
import { removeComposeProjects, workspaceProject } from '../support/composeProject';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/**
 * The main service extends a service of a compose file in another folder,
 * which extends one more file. The runtime must see the merged service: the
 * build (to find the image compose built) and the user (the Feature's
 * remote user) come only from the extended files.
 */
const name = `cmp-ext-${crypto.randomBytes(4).toString('hex')}`;
const folder = makeWorkspace(
  {
    '.devcontainer/devcontainer.json': JSON.stringify({
      dockerComposeFile: 'compose.yml',
      service: 'app',
      workspaceFolder: '/src',
      features: { './whoami': {} },
    }),
    '.devcontainer/compose.yml': [
      'services:',
      '  app:',
      '    extends:',
      '      file: ../shared/base.yml',
      '      service: base',
      '    init: true',
      '    command: ["sleep", "infinity"]',
      '    volumes:',
      '      - ..:/src',
      '',
    ].join('\n'),
    'shared/base.yml': [
      'services:',
      '  base:',
      '    extends:',
      '      file: image/root.yml',
      '      service: root',
      '    user: dev',
      '    volumes:',
      '      - ./seed:/seed:ro',
      '',
    ].join('\n'),
    'shared/image/root.yml': 'services:\n  root:\n    build: .\n',
    'shared/image/Dockerfile': 'FROM debian:bookworm\nRUN useradd -m -u 1000 dev && echo "built from the extended file" > /built.txt\n',
    'shared/seed/which.txt': 'seed beside the extended file\n',
    '.devcontainer/whoami/devcontainer-feature.json': JSON.stringify({ id: 'whoami', version: '1.0.0' }),
    '.devcontainer/whoami/install.sh': '#!/bin/sh\nset -e\necho "$_REMOTE_USER" > /etc/feature-remote-user\n',
    'marker.txt': 'workspace file\n',
  },
  name,
);
const project = workspaceProject(folder, `${name}_devcontainer`);

after(async () => {
  await removeWorkspaceContainers(folder);
  await removeComposeProjects([project]);
  removeWorkspace(folder);
});

describe('compose service extending another file', () => {
  test('up builds the extended service', async () => {
    const result = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    const json = parseResultLine(result.stdout);
    assert.equal(json.remoteUser, 'dev');
    assert.ok(await docker.getImage(`${project.name}_app`).inspect(), 'compose tags the image built from the extended file');
  });

  test('exec sees build, user and both folders', async () => {
    const result = await runCli(['exec', '--workspace-folder', folder, 'sh', '-c', 'id -un; cat /built.txt /seed/which.txt marker.txt /etc/feature-remote-user']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'dev\nbuilt from the extended file\nseed beside the extended file\nworkspace file\ndev\n');
  });

  test('down removes the project', async () => {
    const result = await runCli(['down', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project.name}`] } })).length, 0);
  });
});
