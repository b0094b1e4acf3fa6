import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { planFeatures } from '../../runtime/features/plan';
import { createLogger } from '../../runtime/log';
import { cliPath, parseResultLine, runProcess } from '../support/cli';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { makeWorkspace, removeWorkspace } from '../support/workspace';
import { startLoopbackRegistry } from '../support/registry';

/** The CLI under test: dist/cli.js, or another build named by OPEN_DEVCONTAINERS_CLI. */
const cli = process.env.OPEN_DEVCONTAINERS_CLI ?? cliPath;
const username = 'feature-publisher';
const password = `pw-${randomBytes(12).toString('hex')}`;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'features-registry-'));
const workspaces: string[] = [];
let stopRegistry: () => void = () => undefined;
let registry = '';
/** Every stdout and stderr the CLI printed, checked for credentials at the end. */
const captured: string[] = [];

/** Starts the registry the tests publish to and pull from. */
async function startRegistry(): Promise<void> {
  const started = await startLoopbackRegistry({ folder: root, username, password, realm: 'feature-tests' });
  registry = started.address;
  stopRegistry = started.stop;
}

function dockerConfig(name: string, secret: string): string {
  const folder = path.join(root, name);
  fs.mkdirSync(folder, { recursive: true });
  const auth = Buffer.from(`${username}:${secret}`).toString('base64');
  fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ auths: { [registry]: { auth } } }));
  return folder;
}

async function run(args: string[], configFolder = dockerConfig('good', password)) {
  const env = { ...process.env, DOCKER_CONFIG: configFolder, XDG_CACHE_HOME: path.join(root, 'cache') };
  const result = await runProcess(process.execPath, [cli, ...args], { env, timeoutMs: 300_000 });
  captured.push(result.stdout, result.stderr);
  return result;
}

/** Writes a Feature into the collection folder. */
function writeFeature(id: string, manifest: Record<string, unknown>, install: string): void {
  const folder = path.join(root, 'collection', 'src', id);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'devcontainer-feature.json'), JSON.stringify({ id, name: id, ...manifest }, null, 2));
  fs.writeFileSync(path.join(folder, 'install.sh'), `#!/bin/sh\nset -e\n${install}\n`, { mode: 0o755 });
}

function publish() {
  return run(['features', 'publish', path.join(root, 'collection', 'src'), '--registry', registry, '--namespace', 'team/features']);
}

before(startRegistry);
after(async () => {
  for (const folder of workspaces) {
    await removeWorkspaceContainers(folder);
    removeWorkspace(folder);
  }
  stopRegistry();
  fs.rmSync(root, { recursive: true, force: true });
  // Rebuilds with changed options leave the previous Feature images untagged.
  for (const image of await docker.listImages({ filters: { dangling: ['true'] } })) {
    if (image.Labels?.['devcontainer.metadata']?.includes(registry)) {
      await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    }
  }
});

describe('features from a registry', () => {
  const greetingInstall = 'mkdir -p /opt/hello\necho "$GREETING version-$VERSIONMARK loud=$LOUD" > /opt/hello/greeting.txt\necho hello >> /opt/order';

  test('publish moves the semantic version tags', async () => {
    writeFeature('hello', {
      version: '1.0.0',
      options: {
        greeting: { type: 'string', default: 'hi' },
        loud: { type: 'boolean', default: false },
        versionMark: { type: 'string', default: '1.0.0' },
      },
    }, greetingInstall);
    writeFeature('needs-hello', {
      version: '2.0.0',
      dependsOn: { [`${registry}/team/features/hello:1`]: { greeting: 'from-dependency' } },
      containerEnv: { NEEDS_HELLO: 'set by a Feature' },
    }, 'cat /opt/hello/greeting.txt > /opt/needs-hello.txt\necho needs-hello >> /opt/order');
    const first = await publish();
    assert.equal(first.exitCode, 0, first.stderr);
    const result = parseResultLine(first.stdout) as Record<string, { publishedTags: string[]; digest: string }>;
    assert.deepEqual(result.hello.publishedTags, ['1', '1.0', '1.0.0', 'latest']);
    assert.match(result.hello.digest, /^sha256:[a-f0-9]{64}$/);
    assert.deepEqual(result['needs-hello'].publishedTags, ['2', '2.0', '2.0.0', 'latest']);

    const again = await publish();
    assert.equal(again.exitCode, 0, again.stderr);
    assert.deepEqual(parseResultLine(again.stdout).hello, {});
    assert.match(again.stderr, /1\.0\.0 of .*hello is published already/);
  });

  test('a newer minor version moves major and latest', async () => {
    writeFeature('hello', { version: '1.1.0', options: { greeting: { type: 'string', default: 'hi' }, loud: { type: 'boolean', default: false }, versionMark: { type: 'string', default: '1.1.0' } } }, greetingInstall);
    const result = await publish();
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual((parseResultLine(result.stdout).hello as { publishedTags: string[] }).publishedTags, ['1', '1.1', '1.1.0', 'latest']);
  });

  test('a patch of an older minor moves only its minor tag', async () => {
    writeFeature('hello', { version: '1.0.1', options: { greeting: { type: 'string', default: 'hi' }, loud: { type: 'boolean', default: false }, versionMark: { type: 'string', default: '1.0.1' } } }, greetingInstall);
    const result = await publish();
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual((parseResultLine(result.stdout).hello as { publishedTags: string[] }).publishedTags, ['1.0', '1.0.1']);
  });

  test('info lists tags and reads the metadata annotation', async () => {
    const tags = await run(['features', 'info', 'tags', `${registry}/team/features/hello`, '--output-format', 'json']);
    assert.equal(tags.exitCode, 0, tags.stderr);
    assert.deepEqual(parseResultLine(tags.stdout).publishedTags, ['1.0.0', '1.0.1', '1.1.0', '1', '1.0', '1.1', 'latest']);

    const manifest = await run(['features', 'info', 'manifest', `${registry}/team/features/hello:1.0`, '--output-format', 'json']);
    assert.equal(manifest.exitCode, 0, manifest.stderr);
    const info = parseResultLine(manifest.stdout) as { manifest: { annotations: Record<string, string>; layers: { mediaType: string }[] }; canonicalId: string };
    assert.equal(JSON.parse(info.manifest.annotations['dev.containers.metadata']).version, '1.0.1');
    assert.equal(info.manifest.layers[0].mediaType, 'application/vnd.devcontainers.layer.v1+tar');
    assert.match(info.canonicalId, new RegExp(`^${registry}/team/features/hello@sha256:`));
  });

  let folder = '';
  const featureKey = () => `${registry}/team/features/needs-hello:2`;

  test('up installs a Feature and its dependsOn from the registry', async () => {
    folder = makeWorkspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { [featureKey()]: {} } }),
    });
    workspaces.push(folder);
    const result = await run(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    const exec = await run(['exec', '--workspace-folder', folder, 'sh', '-c', 'cat /opt/order /opt/needs-hello.txt; echo "$NEEDS_HELLO"']);
    assert.equal(exec.stdout, 'hello\nneeds-hello\nfrom-dependency version-1.1.0 loud=false\nset by a Feature\n');

    const lockfile = JSON.parse(fs.readFileSync(path.join(folder, '.devcontainer', 'devcontainer-lock.json'), 'utf8'));
    const dependency = lockfile.features[`${registry}/team/features/hello:1`];
    assert.equal(dependency.version, '1.1.0');
    assert.match(dependency.resolved, new RegExp(`^${registry}/team/features/hello@sha256:`));
    assert.equal(dependency.integrity, dependency.resolved.split('@')[1]);
    assert.deepEqual(lockfile.features[featureKey()].dependsOn, [`${registry}/team/features/hello:1`]);
  });

  test('rebuild without changes runs no Feature install step', async () => {
    const result = await run(['up', '--workspace-folder', folder, '--remove-existing-container']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /Feature {7}:/);
    assert.match(result.stderr, /Using cache/);
  });

  test('lockfile pins the version after a newer publish', async () => {
    writeFeature('hello', { version: '1.2.0', options: { greeting: { type: 'string', default: 'hi' }, loud: { type: 'boolean', default: false }, versionMark: { type: 'string', default: '1.2.0' } } }, greetingInstall);
    assert.equal((await publish()).exitCode, 0);
    const result = await run(['up', '--workspace-folder', folder, '--remove-existing-container']);
    assert.equal(result.exitCode, 0, result.stderr);
    const exec = await run(['exec', '--workspace-folder', folder, 'cat', '/opt/needs-hello.txt']);
    assert.equal(exec.stdout, 'from-dependency version-1.1.0 loud=false\n');
  });

  test('lockfile modes off and frozen', async () => {
    const configFile = path.join(folder, '.devcontainer', 'devcontainer.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    const logger = createLogger('error', () => undefined);
    const env = { ...process.env, DOCKER_CONFIG: dockerConfig('good', password), XDG_CACHE_HOME: path.join(root, 'cache') };

    const unlocked = await planFeatures({ config, configFile, logger, env, lockfileMode: 'off' });
    assert.equal(unlocked.find((item) => item.node.manifest.id === 'hello')?.node.manifest.version, '1.2.0');

    const lockfile = path.join(folder, '.devcontainer', 'devcontainer-lock.json');
    const before = fs.readFileSync(lockfile, 'utf8');
    const frozen = await planFeatures({ config, configFile, logger, env, lockfileMode: 'frozen' });
    assert.equal(frozen.find((item) => item.node.manifest.id === 'hello')?.node.manifest.version, '1.1.0');
    assert.equal(fs.readFileSync(lockfile, 'utf8'), before);

    const changed = { ...config, features: { [`${registry}/team/features/hello:1.2`]: {} } };
    await assert.rejects(planFeatures({ config: changed, configFile, logger, env, lockfileMode: 'frozen' }), /--frozen-lockfile is set but .* does not match/);
    assert.equal(fs.readFileSync(lockfile, 'utf8'), before);
  });

  test('changing one option rebuilds only from that Feature', async () => {
    fs.rmSync(path.join(folder, '.devcontainer', 'devcontainer-lock.json'));
    const configFile = path.join(folder, '.devcontainer', 'devcontainer.json');
    const base = { image: 'debian:bookworm', features: { [`${registry}/team/features/hello:1.2`]: { greeting: 'first' }, './local-tail': { word: 'a' } } };
    fs.mkdirSync(path.join(folder, '.devcontainer', 'local-tail'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.devcontainer', 'local-tail', 'devcontainer-feature.json'), JSON.stringify({ id: 'local-tail', version: '1.0.0', options: { word: { type: 'string', default: 'x' } }, installsAfter: [`${registry}/team/features/hello`] }));
    fs.writeFileSync(path.join(folder, '.devcontainer', 'local-tail', 'install.sh'), '#!/bin/sh\necho "$WORD" > /opt/tail.txt\n');
    fs.writeFileSync(configFile, JSON.stringify(base));
    const first = await run(['up', '--workspace-folder', folder, '--remove-existing-container']);
    assert.equal(first.exitCode, 0, first.stderr);

    fs.writeFileSync(configFile, JSON.stringify({ ...base, features: { ...base.features, './local-tail': { word: 'b' } } }));
    const second = await run(['up', '--workspace-folder', folder, '--remove-existing-container']);
    assert.equal(second.exitCode, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /Id {12}: 127\.0\.0\.1:\d+\/team\/features\/hello/);
    assert.match(second.stderr, /Id {12}: \.\/local-tail/);
    const exec = await run(['exec', '--workspace-folder', folder, 'cat', '/opt/tail.txt', '/opt/hello/greeting.txt']);
    assert.equal(exec.stdout, 'b\nfirst version-1.2.0 loud=false\n');
  });

  test('wrong credentials fail without showing them', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const other = makeWorkspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { [`${registry}/team/features/hello:1`]: {} } }),
    });
    workspaces.push(other);
    const result = await run(['up', '--workspace-folder', other, '--log-level', 'trace'], dockerConfig('wrong', wrong));
    assert.notEqual(result.exitCode, 0);
    const message = String(parseResultLine(result.stdout).message);
    assert.match(message, new RegExp(`${registry}/team/features/hello:1`));
    assert.match(message, new RegExp(`registry ${registry}`));
    assert.match(message, /HTTP 401/);
    for (const text of [result.stdout, result.stderr]) {
      assert.equal(text.includes(wrong), false);
      assert.equal(text.includes(Buffer.from(`${username}:${wrong}`).toString('base64')), false);
    }
  });

  test('no captured output contains the password', () => {
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    for (const text of captured) {
      assert.equal(text.includes(password), false);
      assert.equal(text.includes(basic), false);
    }
  });
});
