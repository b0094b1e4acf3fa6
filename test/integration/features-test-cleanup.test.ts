import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { cliPath, runProcess } from '../support/cli';
import { docker } from '../support/engine';

/** The CLI under test: dist/cli.js, or another build named by OPEN_DEVCONTAINERS_CLI. */
const cli = process.env.OPEN_DEVCONTAINERS_CLI ?? cliPath;
const suffix = randomBytes(4).toString('hex');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'features-test-cleanup-'));
const project = path.join(root, 'project');
const env = { ...process.env, XDG_CACHE_HOME: path.join(root, 'cache') };

function write(relative: string, content: string, mode = 0o644): void {
  const file = path.join(project, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode });
}

/** Everything a test run may leave: containers of its workspaces, volumes and images named with the suffix. */
async function leftovers(): Promise<string[]> {
  const found: string[] = [];
  for (const info of await docker.listContainers({ all: true })) {
    if (info.Labels['devcontainer.local_folder']?.startsWith(root)) found.push(`container ${info.Id.slice(0, 12)}`);
  }
  for (const volume of (await docker.listVolumes()).Volumes ?? []) {
    if (volume.Name.includes(suffix)) found.push(`volume ${volume.Name}`);
  }
  for (const image of await docker.listImages()) {
    for (const tag of image.RepoTags ?? []) if (tag.includes(suffix)) found.push(`image ${tag}`);
  }
  return found;
}

/** Removes what a failing run left, so one failure does not leak into the engine. */
async function removeLeftovers(): Promise<void> {
  for (const info of await docker.listContainers({ all: true })) {
    if (info.Labels['devcontainer.local_folder']?.startsWith(root)) await docker.getContainer(info.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  for (const volume of (await docker.listVolumes()).Volumes ?? []) {
    if (volume.Name.includes(suffix)) await docker.getVolume(volume.Name).remove().catch(() => undefined);
  }
  for (const image of (await docker.listImages()).sort((a, b) => b.Created - a.Created)) {
    if (image.RepoTags?.some((tag) => tag.includes(suffix))) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  }
}

after(async () => {
  await removeLeftovers();
  fs.rmSync(root, { recursive: true, force: true });
});

// The Feature declares a named volume, as Features such as docker-in-docker do.
write(
  'src/cache/devcontainer-feature.json',
  JSON.stringify({
    id: 'cache',
    version: '1.0.0',
    mounts: [{ type: 'volume', source: `cache-${suffix}-\${devcontainerId}`, target: '/var/cache/feature' }],
  }),
);
write('src/cache/install.sh', '#!/bin/sh\nset -e\nmkdir -p /var/cache/feature\n', 0o755);
write(`test/cache/lifecycle-${suffix}.sh`, '#!/bin/sh\nexit 0\n', 0o755);
write('src/slow/devcontainer-feature.json', JSON.stringify({ id: 'slow', version: '1.0.0' }));
write('src/slow/install.sh', '#!/bin/sh\necho slow-install-started\nsleep 120\n', 0o755);
write(
  'test/cache/scenarios.json',
  JSON.stringify({
    [`pass-${suffix}`]: { image: 'debian:bookworm', features: { cache: {} } },
    [`cancel-${suffix}`]: { image: 'debian:bookworm', features: { cache: {} } },
    [`lifecycle-${suffix}`]: { image: 'debian:bookworm', features: { cache: {} }, postCreateCommand: 'echo post-create-started; sleep 120' },
  }),
);
write(`test/cache/pass-${suffix}.sh`, '#!/bin/sh\nset -e\ntest -d /var/cache/feature\necho volume-mounted\n', 0o755);
write(`test/cache/cancel-${suffix}.sh`, '#!/bin/sh\necho waiting-for-signal\nsleep 120\n', 0o755);
write(
  'test/slow/scenarios.json',
  JSON.stringify({
    [`building-${suffix}`]: { image: 'debian:bookworm', features: { slow: {} } },
    [`invalid-${suffix}`]: { image: 'debian:bookworm', features: { slow: {} }, forwardPorts: 'not-a-list' },
  }),
);
write(`test/slow/building-${suffix}.sh`, '#!/bin/sh\nexit 0\n', 0o755);

/**
 * Starts `features test`, sends SIGINT once `marker` appears in its output,
 * and resolves with the exit code and output.
 */
function cancelWhen(args: string[], marker: string): Promise<{ exitCode: number | null; output: string; signalled: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let signalled = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!signalled && output.includes(marker)) {
        signalled = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`features test did not finish; output:\n${output}`));
    }, 240_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output, signalled });
    });
  });
}

test('passing run removes Feature volumes', async () => {
  const result = await runProcess(process.execPath, [cli, 'features', 'test', '-p', project, '-f', 'cache', '--skip-autogenerated', '--filter', 'pass-'], {
    cwd: root,
    env,
    timeoutMs: 240_000,
  });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /volume-mounted/);
  const found = await leftovers();
  await removeLeftovers();
  assert.deepEqual(found, []);
});

test('Ctrl-C during the test script removes everything', async () => {
  const result = await cancelWhen(['features', 'test', '-p', project, '-f', 'cache', '--skip-autogenerated', '--filter', 'cancel-'], 'waiting-for-signal');
  assert.equal(result.signalled, true, result.output);
  assert.equal(result.exitCode, 130, result.output);
  const found = await leftovers();
  await removeLeftovers();
  assert.deepEqual(found, []);
});

test('Ctrl-C during postCreateCommand removes everything', async () => {
  // `up` has created the container but not returned, so only cleanup by label finds it.
  const result = await cancelWhen(['features', 'test', '-p', project, '-f', 'cache', '--skip-autogenerated', '--filter', 'lifecycle-'], 'post-create-started');
  assert.equal(result.signalled, true, result.output);
  assert.equal(result.exitCode, 130, result.output);
  const found = await leftovers();
  await removeLeftovers();
  assert.deepEqual(found, []);
});

test('Ctrl-C during the Feature build removes everything', async () => {
  const result = await cancelWhen(['features', 'test', '-p', project, '-f', 'slow', '--skip-autogenerated', '--log-level', 'debug'], 'slow-install-started');
  assert.equal(result.signalled, true, result.output);
  assert.equal(result.exitCode, 130, result.output);
  const found = await leftovers();
  await removeLeftovers();
  assert.deepEqual(found, []);
});

test('invalid scenario error names scenarios.json', async () => {
  const result = await runProcess(process.execPath, [cli, 'features', 'test', '-p', project, '-f', 'slow', '--skip-autogenerated', '--filter', 'invalid-'], {
    cwd: root,
    env,
    timeoutMs: 120_000,
  });
  assert.equal(result.exitCode, 1, result.stderr);
  const scenarios = path.join(project, 'test', 'slow', 'scenarios.json');
  assert.ok(result.stdout.includes(`scenario "invalid-${suffix}" in ${scenarios}`), result.stdout);
  assert.match(result.stdout, /forwardPorts/);
  assert.doesNotMatch(result.stdout + result.stderr, /\.features-test-/);
  const found = await leftovers();
  await removeLeftovers();
  assert.deepEqual(found, []);
});
