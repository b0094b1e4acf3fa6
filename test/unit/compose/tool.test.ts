import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { EnvironmentError } from '../../../runtime/errors';
import { silentLogger } from '../../../runtime/log';
import { builtImageName, detectComposeTool, toolVersion } from '../../../runtime/compose/tool';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-tool-'));
after(() => fs.rmSync(folder, { recursive: true, force: true }));

function fakeTool(name: string, script: string): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return file;
}

test('forced tool reports its version and flavor', async () => {
  const v1 = fakeTool('compose-v1', 'echo 1.29.2');
  const tool = await detectComposeTool({ env: { ...process.env, DEVCONTAINER_COMPOSE_TOOL: v1 }, logger: silentLogger() });
  assert.equal(tool.executable, v1);
  assert.equal(tool.flavor, 'compose-v1');
  assert.equal(tool.version, '1.29.2');
  assert.deepEqual(tool.prefixArgs, []);

  const v2 = fakeTool('compose-v2', 'echo v2.27.0');
  assert.equal((await detectComposeTool({ env: { DEVCONTAINER_COMPOSE_TOOL: v2 }, logger: silentLogger() })).flavor, 'compose-v2');
});

test('missing forced tool names it and the fix', async () => {
  await assert.rejects(detectComposeTool({ env: { DEVCONTAINER_COMPOSE_TOOL: '/nonexistent/docker-compose' }, logger: silentLogger() }), (error: unknown) => {
    assert.ok(error instanceof EnvironmentError);
    assert.match(error.message, /DEVCONTAINER_COMPOSE_TOOL is "\/nonexistent\/docker-compose"/);
    assert.match(error.message, /not installed or not on PATH/);
    assert.match(error.message, /apt-get install docker-compose/);
    return true;
  });
});

test('failing forced tool reports exit code and output', async () => {
  const broken = fakeTool('broken-compose', 'echo "something is wrong" >&2; exit 3');
  await assert.rejects(
    detectComposeTool({ env: { DEVCONTAINER_COMPOSE_TOOL: broken }, logger: silentLogger() }),
    /exited with code 3 \(something is wrong\)/,
  );
});

test('forced tool without a version number says so', async () => {
  const echo = fakeTool('echo-compose', 'echo "$@"');
  await assert.rejects(
    detectComposeTool({ env: { DEVCONTAINER_COMPOSE_TOOL: echo }, logger: silentLogger() }),
    /printed no version number \(output: version --short\)/,
  );
});

test('docker without the compose plugin is named', async () => {
  const tools = fs.mkdtempSync(path.join(folder, 'no-plugin-'));
  fs.writeFileSync(path.join(tools, 'docker'), '#!/bin/sh\necho "unknown flag: --short" >&2\nexit 125\n', { mode: 0o755 });
  await assert.rejects(detectComposeTool({ env: { PATH: tools }, logger: silentLogger() }), /docker compose: the Docker Compose plugin is not installed/);
});

test('no tool on PATH lists every candidate', async () => {
  await assert.rejects(detectComposeTool({ env: { PATH: folder }, logger: silentLogger() }), (error: unknown) => {
    assert.ok(error instanceof EnvironmentError);
    assert.match(error.message, /No compose tool found/);
    assert.match(error.message, /docker compose: docker is not installed/);
    assert.match(error.message, /docker-compose: docker-compose is not installed/);
    assert.match(error.message, /podman-compose: podman-compose is not installed/);
    assert.match(error.message, /Install Docker Compose/);
    return true;
  });
});

test('built image names follow the tool', () => {
  const tool = (flavor: 'compose-v1' | 'compose-v2' | 'podman-compose', version: string) => ({ executable: 'x', prefixArgs: [], flavor, version, displayName: 'x' });
  assert.equal(builtImageName(tool('compose-v1', '1.29.2'), 'proj', 'app'), 'proj_app');
  assert.equal(builtImageName(tool('compose-v2', '2.7.0'), 'proj', 'app'), 'proj_app');
  assert.equal(builtImageName(tool('compose-v2', '2.24.5'), 'proj', 'app'), 'proj-app');
  assert.equal(builtImageName(tool('podman-compose', '1.0.6'), 'proj', 'app'), 'proj_app');
});

test('unknown tool name lists the known ones', async () => {
  await assert.rejects(detectComposeTool({ env: { PATH: folder, DEVCONTAINER_COMPOSE_TOOL: 'foo' }, logger: silentLogger() }), (error: unknown) => {
    assert.ok(error instanceof EnvironmentError);
    assert.match(error.message, /DEVCONTAINER_COMPOSE_TOOL is "foo", which is neither a known compose tool \(docker compose, docker-compose, podman-compose\) nor an executable on PATH/);
    assert.match(error.message, /Install Docker Compose/);
    return true;
  });
});

test('known tool not installed says what to install', async () => {
  const cases: [string, RegExp][] = [
    ['podman-compose', /apt-get install podman-compose podman/],
    ['docker-compose', /apt-get install docker-compose/],
    ['docker compose', /docker-compose-plugin package/],
  ];
  for (const [name, advice] of cases) {
    await assert.rejects(detectComposeTool({ env: { PATH: folder, DEVCONTAINER_COMPOSE_TOOL: name }, logger: silentLogger() }), (error: unknown) => {
      assert.ok(error instanceof EnvironmentError);
      assert.match(error.message, new RegExp(`DEVCONTAINER_COMPOSE_TOOL is "${name}", but that compose tool failed: [a-z-]+ is not installed or not on PATH`));
      assert.match(error.message, advice);
      return true;
    });
  }
});

test('podman-compose version is its own, not Podman\'s', () => {
  const output = "['podman', '--version', '']\nusing podman version: 4.3.1\npodman-composer version  1.0.3\npodman --version \npodman version 4.3.1\nexit code: 0\n";
  assert.equal(toolVersion({ flavor: 'podman-compose' }, output), '1.0.3');
  assert.equal(toolVersion({ flavor: 'podman-compose' }, 'podman-compose version: 1.0.6\nusing podman version: 4.9.3\n'), '1.0.6');
  assert.equal(toolVersion({}, 'docker-compose version 1.29.2, build unknown'), '1.29.2');
});

test('Podman engine puts podman-compose first', async () => {
  const tools = fs.mkdtempSync(path.join(folder, 'path-'));
  const podmanCompose = "echo \"using podman version: 4.3.1\"; echo \"podman-composer version  1.0.3\"";
  fs.writeFileSync(path.join(tools, 'podman-compose'), `#!/bin/sh\n${podmanCompose}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(tools, 'docker-compose'), '#!/bin/sh\necho 1.29.2\n', { mode: 0o755 });
  const env = { PATH: `${tools}:/usr/bin:/bin` };
  const withPodman = await detectComposeTool({ env, logger: silentLogger(), preferPodman: true });
  assert.equal(withPodman.flavor, 'podman-compose');
  assert.equal(withPodman.version, '1.0.3');
  assert.equal(withPodman.executable, 'podman-compose');
});
