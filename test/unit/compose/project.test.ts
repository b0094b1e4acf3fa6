import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ConfigurationError } from '../../../runtime/errors';
import { loadConfig } from '../../../runtime/config/load';
import { openComposeProject } from '../../../runtime/compose/project';
import { withComposeWorkspace } from '../../../runtime/compose/workspace';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-project-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let count = 0;

async function open(files: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const folder = path.join(root, `ws${count++}`);
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, relative)), { recursive: true });
    fs.writeFileSync(path.join(folder, relative), content);
  }
  const loaded = withComposeWorkspace(await loadConfig({ workspaceFolder: folder, env }), env);
  return openComposeProject(loaded, env);
}

const config = (settings: Record<string, unknown>) => JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', ...settings });
const twoServices = 'services:\n  app:\n    image: busybox\n  db:\n    image: busybox\n';

test('project reads services and start list', async () => {
  const project = await open({ '.devcontainer/devcontainer.json': config({}), '.devcontainer/compose.yml': twoServices });
  assert.equal(project.name, `ws${count - 1}_devcontainer`);
  assert.equal(project.service.name, 'app');
  assert.deepEqual(project.startServices, ['app', 'db']);
  assert.equal(project.stopServices, undefined);
  assert.equal(project.loaded.containerWorkspaceFolder, '/');
  assert.equal(project.loaded.workspaceMount, undefined);
});

test('project start list honours runServices and profiles', async () => {
  const compose = 'services:\n  app:\n    image: busybox\n    profiles: [dev]\n  db:\n    image: busybox\n  debug:\n    image: busybox\n    profiles: [debug]\n';
  const plain = await open({ '.devcontainer/devcontainer.json': config({}), '.devcontainer/compose.yml': compose });
  assert.deepEqual(plain.startServices, ['db', 'app']);
  const profiled = await open({ '.devcontainer/devcontainer.json': config({}), '.devcontainer/compose.yml': compose }, { COMPOSE_PROFILES: 'debug' });
  assert.deepEqual(profiled.startServices, ['db', 'debug', 'app']);
  const fromDotEnv = await open({
    '.devcontainer/devcontainer.json': config({}),
    '.devcontainer/compose.yml': compose,
    '.devcontainer/.env': 'COMPOSE_PROFILES=debug,dev\n',
  });
  assert.deepEqual(fromDotEnv.startServices, ['app', 'db', 'debug']);
  const chosen = await open({ '.devcontainer/devcontainer.json': config({ runServices: ['debug'] }), '.devcontainer/compose.yml': compose });
  assert.deepEqual(chosen.startServices, ['debug', 'app']);
  assert.deepEqual(chosen.stopServices, ['debug', 'app']);
  const empty = await open({ '.devcontainer/devcontainer.json': config({ runServices: [] }), '.devcontainer/compose.yml': compose });
  assert.deepEqual(empty.startServices, ['db', 'app']);
  assert.equal(empty.stopServices, undefined);
});

test('project interpolates from .env and environment', async () => {
  const files = {
    '.devcontainer/devcontainer.json': config({}),
    '.devcontainer/compose.yml': 'services:\n  app:\n    image: ${IMAGE:-busybox}\n    user: ${USER_ID}\n',
    '.devcontainer/.env': 'IMAGE=from-dotenv\nUSER_ID=1000\n',
  };
  assert.equal((await open(files)).service.image, 'from-dotenv');
  assert.equal((await open(files, { IMAGE: 'from-env' })).service.image, 'from-env');
  assert.equal((await open(files)).service.user, '1000');
});

test('project workspace folder substitution', async () => {
  const project = await open({
    '.devcontainer/devcontainer.json': config({ postCreateCommand: 'echo ${containerWorkspaceFolder}' }),
    '.devcontainer/compose.yml': twoServices,
  });
  assert.equal(project.loaded.config.postCreateCommand, 'echo /');
});

function expectConfigurationError(pattern: RegExp, jsonPath?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigurationError, String(error));
    assert.match(error.message, pattern);
    if (jsonPath) assert.equal(error.location?.jsonPath, jsonPath);
    return true;
  };
}

test('project rejects a missing compose file', async () => {
  await assert.rejects(
    open({ '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: ['compose.yml', 'missing.yml'], service: 'app' }), '.devcontainer/compose.yml': twoServices }),
    expectConfigurationError(/Compose file not found: .*\/\.devcontainer\/missing\.yml .*"missing\.yml"/, 'dockerComposeFile[1]'),
  );
});

test('project rejects an unknown service', async () => {
  await assert.rejects(
    open({ '.devcontainer/devcontainer.json': config({ service: 'web' }), '.devcontainer/compose.yml': twoServices }),
    expectConfigurationError(/Service "web" .* is not defined .* The services defined there are: app, db\./, 'service'),
  );
  await assert.rejects(
    open({ '.devcontainer/devcontainer.json': config({ runServices: ['db', 'cache'] }), '.devcontainer/compose.yml': twoServices }),
    expectConfigurationError(/Service "cache" \(from "runServices\[1\]"/, 'runServices[1]'),
  );
});

test('project rejects a missing env_file', async () => {
  await assert.rejects(
    open({ '.devcontainer/devcontainer.json': config({}), '.devcontainer/compose.yml': 'services:\n  app:\n    image: busybox\n    env_file: [missing.env]\n' }),
    expectConfigurationError(/env_file "missing\.env" of service "app" .* was not found/, 'services.app.env_file'),
  );
});

test('project reports invalid YAML with its position', async () => {
  await assert.rejects(
    open({ '.devcontainer/devcontainer.json': config({}), '.devcontainer/compose.yml': 'services:\n  app:\n    image: [unclosed\n' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.match(error.message, /Invalid YAML in compose file .*compose\.yml at line \d+, column \d+/);
      assert.ok(error.location?.line);
      return true;
    },
  );
});

test('project reads services extended from another file', async () => {
  const project = await open(
    {
      '.devcontainer/devcontainer.json': config({}),
      '.devcontainer/compose.yml': 'services:\n  app:\n    extends:\n      file: ../shared/base.yml\n      service: base\n    command: ["sleep", "1"]\n',
      'shared/base.yml': 'services:\n  base:\n    extends:\n      file: deeper/root.yml\n      service: root\n    user: ${BASE_USER}\n    volumes:\n      - ./seed:/seed\n',
      'shared/deeper/root.yml': 'services:\n  root:\n    image: debian:bookworm\n    build: .\n',
    },
    { BASE_USER: 'dev' },
  );
  const folder = path.dirname(project.loaded.configFile).replace(/\/\.devcontainer$/, '');
  assert.equal(project.service.image, 'debian:bookworm');
  assert.equal(project.service.user, 'dev');
  assert.deepEqual(project.service.build, { context: path.join(folder, 'shared/deeper'), dockerfile: undefined, target: undefined });
  assert.deepEqual(project.service.volumes, [{ type: 'bind', source: path.join(folder, 'shared/seed'), target: '/seed' }]);
  assert.deepEqual(project.service.command, ['sleep', '1']);
});

test('project reports a missing extended file', async () => {
  await assert.rejects(
    open({
      '.devcontainer/devcontainer.json': config({}),
      '.devcontainer/compose.yml': 'services:\n  app:\n    extends:\n      file: missing.yml\n      service: base\n',
    }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.match(error.message, /extends a service in .*\/\.devcontainer\/missing\.yml, which was not found/);
      return true;
    },
  );
});
