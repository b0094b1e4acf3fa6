import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliPath, parseResultLine, runProcess } from '../support/cli';
import { startLoopbackRegistry } from '../support/registry';

/** The CLI under test: dist/cli.js, or another build named by OPEN_DEVCONTAINERS_CLI. */
const cli = process.env.OPEN_DEVCONTAINERS_CLI ?? cliPath;
const username = 'publish-checks';
const password = `pw-${randomBytes(12).toString('hex')}`;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'features-publish-'));
let stopRegistry: () => void = () => undefined;
let registry = '';

before(async () => {
  const started = await startLoopbackRegistry({ folder: root, username, password, realm: 'publish-checks' });
  registry = started.address;
  stopRegistry = started.stop;
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  fs.mkdirSync(path.join(root, 'docker'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docker', 'config.json'), JSON.stringify({ auths: { [registry]: { auth } } }));
});
after(() => {
  stopRegistry();
  fs.rmSync(root, { recursive: true, force: true });
});

function run(args: string[], cwd = root) {
  const env = { ...process.env, DOCKER_CONFIG: path.join(root, 'docker'), XDG_CACHE_HOME: path.join(root, 'cache') };
  return runProcess(process.execPath, [cli, ...args], { cwd, env, timeoutMs: 120_000 });
}

/** Writes a Feature folder `<collection>/src/<folder>` and returns the src folder. */
function writeFeature(collection: string, folder: string, manifest: Record<string, unknown>): string {
  const src = path.join(root, collection, 'src');
  fs.mkdirSync(path.join(src, folder), { recursive: true });
  fs.writeFileSync(path.join(src, folder, 'devcontainer-feature.json'), JSON.stringify({ name: folder, ...manifest }));
  fs.writeFileSync(path.join(src, folder, 'install.sh'), '#!/bin/sh\necho installed\n', { mode: 0o755 });
  return src;
}

/** Reads a repository's tags straight from the registry; undefined when the repository does not exist. */
async function registryTags(repository: string): Promise<string[] | undefined> {
  const response = await fetch(`http://${registry}/v2/${repository}/tags/list`, {
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
  });
  if (response.status === 404) return undefined;
  assert.equal(response.status, 200);
  return ((await response.json()) as { tags: string[] }).tags.sort();
}

describe('features publish checks', () => {
  test('duplicate ids are rejected before any push', async () => {
    writeFeature('duplicates', 'first', { id: 'same', version: '1.0.0' });
    const src = writeFeature('duplicates', 'second', { id: 'same', version: '2.0.0' });
    const result = await run(['features', 'publish', src, '--registry', registry, '--namespace', 'team/duplicates']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /Feature id "same" is used by both/);
    assert.ok(result.stderr.includes(path.join(src, 'first', 'devcontainer-feature.json')), result.stderr);
    assert.ok(result.stderr.includes(path.join(src, 'second', 'devcontainer-feature.json')), result.stderr);
    assert.equal(await registryTags('team/duplicates/same'), undefined);
    assert.equal(await registryTags('team/duplicates'), undefined);
  });

  test('build metadata version is rejected before any push', async () => {
    writeFeature('metadata', 'good', { id: 'good', version: '1.0.0' });
    const src = writeFeature('metadata', 'tagged', { id: 'tagged', version: '1.2.0+build.7' });
    const result = await run(['features', 'publish', src, '--registry', registry, '--namespace', 'team/metadata']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /Version "1\.2\.0\+build\.7" of Feature tagged in .*devcontainer-feature\.json cannot be an OCI tag/);
    assert.equal(await registryTags('team/metadata/good'), undefined);
    assert.equal(await registryTags('team/metadata/tagged'), undefined);
  });

  test('prerelease moves no major, minor or latest tag', async () => {
    const src = writeFeature('prerelease', 'tool', { id: 'tool', version: '1.0.0' });
    const first = await run(['features', 'publish', src, '--registry', registry, '--namespace', 'team/prerelease']);
    assert.equal(first.exitCode, 0, first.stderr);

    writeFeature('prerelease', 'tool', { id: 'tool', version: '2.0.0-beta.1' });
    const beta = await run(['features', 'publish', src, '--registry', registry, '--namespace', 'team/prerelease']);
    assert.equal(beta.exitCode, 0, beta.stderr);
    assert.deepEqual((parseResultLine(beta.stdout).tool as { publishedTags: string[] }).publishedTags, ['2.0.0-beta.1']);
    assert.deepEqual(await registryTags('team/prerelease/tool'), ['1', '1.0', '1.0.0', '2.0.0-beta.1', 'latest']);

    const latest = await run(['features', 'info', 'manifest', `${registry}/team/prerelease/tool:latest`, '--output-format', 'json']);
    assert.equal(latest.exitCode, 0, latest.stderr);
    const manifest = parseResultLine(latest.stdout).manifest as { annotations: Record<string, string> };
    assert.equal(JSON.parse(manifest.annotations['dev.containers.metadata']).version, '1.0.0');
  });

  test('info tags of a missing Feature fails', async () => {
    const result = await run(['features', 'info', 'tags', `${registry}/team/nothing/here`]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, new RegExp(`No published versions found for Feature ${registry.replace(/\./g, '\\.')}/team/nothing/here`));
  });
});

describe('features package output folder', () => {
  /** Writes a fresh Feature folder and returns its path. */
  function freshFeature(name: string): string {
    const folder = path.join(root, 'package', name, 'feature');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'devcontainer-feature.json'), JSON.stringify({ id: name, version: '1.0.0', name }));
    fs.writeFileSync(path.join(folder, 'install.sh'), '#!/bin/sh\necho keep me\n', { mode: 0o755 });
    return folder;
  }

  const cases: { name: string; output: (feature: string) => string; relation: string }[] = [
    { name: 'same', output: (feature) => feature, relation: 'is' },
    { name: 'parent', output: (feature) => path.dirname(feature), relation: 'contains' },
    { name: 'child', output: (feature) => path.join(feature, 'out'), relation: 'is inside' },
  ];
  for (const item of cases) {
    test(`output folder that ${item.relation} the target is rejected`, async () => {
      const feature = freshFeature(item.name);
      fs.mkdirSync(path.join(feature, 'out'), { recursive: true });
      fs.writeFileSync(path.join(feature, 'out', 'notes.txt'), 'mine');
      const result = await run(['features', 'package', feature, '-o', item.output(feature), '-f']);
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, new RegExp(`Output folder .* ${item.relation} the Feature folder`));
      assert.equal(fs.readFileSync(path.join(feature, 'install.sh'), 'utf8'), '#!/bin/sh\necho keep me\n');
      assert.equal(fs.readFileSync(path.join(feature, 'out', 'notes.txt'), 'utf8'), 'mine');
    });
  }

  test('output folder through a symbolic link is rejected', async () => {
    const feature = freshFeature('linked');
    const link = path.join(root, 'package', 'linked-alias');
    fs.symlinkSync(feature, link);
    const result = await run(['features', 'package', feature, '-o', path.join(link, 'output'), '-f']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /is inside the Feature folder/);
    assert.equal(fs.existsSync(path.join(feature, 'output')), false);
  });

  test('output folder next to the target still works', async () => {
    const feature = freshFeature('sibling');
    const output = path.join(path.dirname(feature), 'output');
    const result = await run(['features', 'package', feature, '-o', output, '-f']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.ok(fs.existsSync(path.join(output, 'devcontainer-feature-sibling.tgz')));
  });
});

describe('Feature error messages', () => {
  /** Writes a workspace whose devcontainer.json uses one local Feature with the given manifest. */
  function workspaceWith(name: string, manifest: Record<string, unknown>): { folder: string; manifestFile: string } {
    const folder = path.join(root, 'messages', name);
    const feature = path.join(folder, '.devcontainer', 'tool');
    fs.mkdirSync(feature, { recursive: true });
    fs.writeFileSync(path.join(folder, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: 'debian:bookworm', features: { './tool': {} } }));
    fs.writeFileSync(path.join(feature, 'devcontainer-feature.json'), JSON.stringify({ id: 'tool', version: '1.0.0', name: 'Tool', ...manifest }));
    fs.writeFileSync(path.join(feature, 'install.sh'), '#!/bin/sh\n', { mode: 0o755 });
    return { folder, manifestFile: path.join(feature, 'devcontainer-feature.json') };
  }

  test('invalid installsAfter id names the Feature file', async () => {
    const { folder, manifestFile } = workspaceWith('installs-after', { installsAfter: ['Not A Reference!'] });
    const result = await run(['features', 'resolve-dependencies', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 1);
    assert.ok(result.stderr.includes(`Feature "Not A Reference!" in "installsAfter" of Feature ./tool (${manifestFile}) is not a valid reference`), result.stderr);
  });

  test('invalid Feature mount names the Feature file', async () => {
    const { folder, manifestFile } = workspaceWith('mount', { mounts: [{ type: 'volume', source: 'data' }] });
    const result = await run(['features', 'resolve-dependencies', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 1);
    assert.ok(result.stderr.includes(`Feature tool: Invalid mount in ${manifestFile} at mounts[0]: no target`), result.stderr);
  });
});
