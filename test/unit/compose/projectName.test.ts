import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { composeProjectName, normaliseProjectName } from '../../../runtime/compose/projectName';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'project-name-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function workspace(name: string, files: Record<string, string> = {}): string {
  const folder = path.join(root, name);
  for (const [relative, content] of Object.entries({ '.devcontainer/compose.yml': '', ...files })) {
    fs.mkdirSync(path.dirname(path.join(folder, relative)), { recursive: true });
    fs.writeFileSync(path.join(folder, relative), content);
  }
  return folder;
}

test('project name for the .devcontainer folder', async () => {
  const folder = workspace('My App.1');
  const name = await composeProjectName({ workspaceFolder: folder, files: [path.join(folder, '.devcontainer/compose.yml')], env: {} });
  assert.equal(name, 'myapp1_devcontainer');
});

test('project name from the first file folder', async () => {
  const folder = workspace('other', { 'deploy/Compose/base.yml': '' });
  const files = [path.join(folder, 'deploy/Compose/base.yml'), path.join(folder, '.devcontainer/compose.yml')];
  assert.equal(await composeProjectName({ workspaceFolder: folder, files, env: {} }), 'compose');
});

test('project name from the environment first', async () => {
  const folder = workspace('env', { '.devcontainer/.env': 'COMPOSE_PROJECT_NAME=from-dotenv\n' });
  const files = [path.join(folder, '.devcontainer/compose.yml')];
  assert.equal(await composeProjectName({ workspaceFolder: folder, files, nameInFiles: 'named', env: { COMPOSE_PROJECT_NAME: 'From_Env' } }), 'from_env');
  assert.equal(await composeProjectName({ workspaceFolder: folder, files, nameInFiles: 'named', env: {} }), 'from-dotenv');
});

test('project name from the workspace .env', async () => {
  const folder = workspace('rootenv', { '.env': 'COMPOSE_PROJECT_NAME=at-root\n' });
  const files = [path.join(folder, '.devcontainer/compose.yml')];
  assert.equal(await composeProjectName({ workspaceFolder: folder, files, env: {} }), 'at-root');
});

test('project name from the compose files', async () => {
  const folder = workspace('named');
  const files = [path.join(folder, '.devcontainer/compose.yml')];
  assert.equal(await composeProjectName({ workspaceFolder: folder, files, nameInFiles: 'In File', env: {} }), 'infile');
});

test('project name skips empty candidates', async () => {
  const folder = workspace('skips');
  const files = [path.join(folder, '.devcontainer/compose.yml')];
  assert.equal(await composeProjectName({ workspaceFolder: folder, files, nameInFiles: '***', env: { COMPOSE_PROJECT_NAME: '!!' } }), 'skips_devcontainer');
});

test('project name normalisation', () => {
  assert.equal(normaliseProjectName('Hello World_-1.x'), 'helloworld_-1x');
  assert.equal(normaliseProjectName('__lead'), 'lead');
  assert.equal(normaliseProjectName('ÄÖ'), '');
});
