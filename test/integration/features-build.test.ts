import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { cliPath, parseResultLine, runProcess } from '../support/cli';
import { containersOf, docker, removeWorkspaceContainers } from '../support/engine';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/** The CLI under test: dist/cli.js, or another build named by OPEN_DEVCONTAINERS_CLI. */
const cli = process.env.OPEN_DEVCONTAINERS_CLI ?? cliPath;
const suffix = randomBytes(4).toString('hex');
const workspaceName = `nocache-${suffix}`;
const imageName = `features-nocache-${suffix}:test`;

const folder = makeWorkspace(
  {
    '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { './stamp': {} } }),
    '.devcontainer/stamp/devcontainer-feature.json': JSON.stringify({ id: 'stamp', version: '1.0.0', name: 'Stamp' }),
    // A new random value on every run of install.sh shows whether the layer was built again.
    '.devcontainer/stamp/install.sh': '#!/bin/sh\nset -e\ncat /proc/sys/kernel/random/uuid > /opt/stamp\n',
  },
  workspaceName,
);

/** Ids of every image the builds tagged, including ones a later build untagged. */
const builtImages = new Set<string>();

async function recordBuiltImages(): Promise<void> {
  for (const image of await docker.listImages()) {
    if (image.RepoTags?.some((tag) => tag.includes(suffix))) builtImages.add(image.Id);
  }
}

// Numbers in option values are passed on as JavaScript writes them, as the reference CLI does.
const numericFolder = makeWorkspace(
  {
    '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { './python': { version: 3.11, patch: 7 } } }),
    '.devcontainer/python/devcontainer-feature.json': JSON.stringify({
      id: 'python',
      version: '1.0.0',
      name: 'Python',
      options: { version: { type: 'string', default: 'latest' }, patch: { type: 'string', enum: ['7', '8'], default: '8' } },
    }),
    '.devcontainer/python/install.sh': '#!/bin/sh\nset -e\necho "$VERSION.$PATCH" > /opt/python-version\n',
  },
  `numeric-${suffix}`,
);
const numericImage = `features-numeric-${suffix}:test`;

const lockedFolder = makeWorkspace(
  {
    '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { './marker': {} } }),
    '.devcontainer/marker/devcontainer-feature.json': JSON.stringify({ id: 'marker', version: '1.0.0', name: 'Marker' }),
    '.devcontainer/marker/install.sh': '#!/bin/sh\nset -e\ntouch /opt/marker\n',
  },
  `locked-${suffix}`,
);

after(async () => {
  removeWorkspace(folder);
  removeWorkspace(numericFolder);
  await removeWorkspaceContainers(lockedFolder);
  removeWorkspace(lockedFolder);
  await recordBuiltImages();
  // An image with child images cannot be removed, so children go first: repeat until a pass removes nothing.
  let removed = true;
  while (removed && builtImages.size > 0) {
    removed = false;
    for (const id of [...builtImages]) {
      const gone = await docker.getImage(id).remove({ force: true }).then(
        () => true,
        (error: { statusCode?: number }) => error.statusCode === 404,
      );
      if (gone) {
        builtImages.delete(id);
        removed = true;
      }
    }
  }
});

async function build(extra: string[]) {
  const result = await runProcess(process.execPath, [cli, 'build', '--workspace-folder', folder, '--image-name', imageName, ...extra], { timeoutMs: 300_000 });
  await recordBuiltImages();
  return result;
}

/** Reads a file from an image in a short-lived container. */
async function readFromImage(image: string, file: string): Promise<string> {
  const container = await docker.createContainer({ Image: image, Cmd: ['cat', file], Labels: { 'features-build-test': suffix } });
  try {
    await container.start();
    await container.wait();
    const logs = await container.logs({ stdout: true, stderr: false });
    // Without a TTY the log stream has an 8-byte header per frame.
    return logs.subarray(8).toString('utf8').trim();
  } finally {
    await container.remove({ force: true });
  }
}

test('build --no-cache rebuilds Feature layers', async () => {
  const first = await build([]);
  assert.equal(first.exitCode, 0, first.stderr);
  assert.deepEqual(parseResultLine(first.stdout).imageName, [imageName]);
  const firstStamp = await readFromImage(imageName, '/opt/stamp');
  assert.match(firstStamp, /^[0-9a-f-]{36}$/);

  const cached = await build([]);
  assert.equal(cached.exitCode, 0, cached.stderr);
  assert.equal(await readFromImage(imageName, '/opt/stamp'), firstStamp);

  const uncached = await build(['--no-cache']);
  assert.equal(uncached.exitCode, 0, uncached.stderr);
  assert.doesNotMatch(uncached.stderr, /Unknown argument/);
  const secondStamp = await readFromImage(imageName, '/opt/stamp');
  assert.match(secondStamp, /^[0-9a-f-]{36}$/);
  assert.notEqual(secondStamp, firstStamp);
});

test('numeric option values reach install.sh', async () => {
  const result = await runProcess(process.execPath, [cli, 'build', '--workspace-folder', numericFolder, '--image-name', numericImage], { timeoutMs: 300_000 });
  await recordBuiltImages();
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(await readFromImage(numericImage, '/opt/python-version'), '3.11.7');
});

test('frozen lockfile fails before removing the container', async () => {
  const first = await runProcess(process.execPath, [cli, 'up', '--workspace-folder', lockedFolder], { timeoutMs: 300_000 });
  await recordBuiltImages();
  assert.equal(first.exitCode, 0, first.stderr);
  const [before] = await containersOf(lockedFolder);
  assert.ok(before, 'up created no container');

  // The configuration has no lockfile, so --frozen-lockfile must fail.
  const frozen = await runProcess(process.execPath, [cli, 'up', '--workspace-folder', lockedFolder, '--frozen-lockfile', '--remove-existing-container'], {
    timeoutMs: 300_000,
  });
  assert.equal(frozen.exitCode, 1);
  assert.match(frozen.stderr, /--frozen-lockfile is set but .*devcontainer-lock\.json does not exist/);
  const after = await containersOf(lockedFolder);
  assert.deepEqual(after.map((info) => info.Id), [before.Id]);
  assert.equal(after[0].State, 'running');
});
