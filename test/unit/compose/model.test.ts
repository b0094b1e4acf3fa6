import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ComposeFile } from '../../../runtime/compose/files';
import { mergeComposeFiles, servicesForProfiles } from '../../../runtime/compose/model';

test('model merges files in order', () => {
  const model = mergeComposeFiles([
    {
      file: '/repo/compose/base.yml',
      content: {
        version: 3.8,
        services: {
          app: { image: 'debian:bookworm', command: ['sleep', 'infinity'], volumes: ['..:/workspace', 'data:/data'], env_file: 'a.env' },
          db: { image: 'busybox', profiles: ['db'] },
        },
      },
    },
    {
      file: '/repo/.devcontainer/override.yml',
      content: {
        name: 'custom',
        services: {
          app: { user: 1000, volumes: ['./fixtures:/fixtures:ro', { type: 'volume', source: 'other', target: '/data' }], env_file: ['b.env'] },
          tool: { build: '../tools' },
        },
      },
    },
  ]);

  assert.equal(model.projectFolder, '/repo/compose');
  assert.equal(model.version, '3.8');
  assert.equal(model.name, 'custom');
  const app = model.services.get('app');
  assert.ok(app);
  assert.equal(app.image, 'debian:bookworm');
  assert.deepEqual(app.command, ['sleep', 'infinity']);
  assert.equal(app.user, '1000');
  assert.equal(app.file, '/repo/.devcontainer/override.yml');
  assert.deepEqual(app.envFiles, ['a.env', 'b.env']);
  // Relative paths in every file resolve against the first file's folder.
  assert.deepEqual(app.volumes, [
    { type: 'bind', source: '/repo', target: '/workspace' },
    { type: 'bind', source: '/repo/compose/fixtures', target: '/fixtures' },
    { type: 'volume', source: 'other', target: '/data' },
  ]);
  assert.deepEqual(model.services.get('tool')?.build, { context: '../tools', dockerfile: undefined, target: undefined });
  assert.deepEqual(model.services.get('db')?.profiles, ['db']);
});

test('model merges build settings', () => {
  const model = mergeComposeFiles([
    { file: '/p/a.yml', content: { services: { app: { build: { context: '.', dockerfile: 'Dockerfile.dev', args: { A: '1' } } } } } },
    { file: '/p/b.yml', content: { services: { app: { build: { target: 'dev' } } } } },
  ]);
  assert.deepEqual(model.services.get('app')?.build, { context: '.', dockerfile: 'Dockerfile.dev', target: 'dev' });
});

test('model applies extends', () => {
  const model = mergeComposeFiles([
    {
      file: '/p/a.yml',
      content: {
        services: {
          base: { image: 'busybox', entrypoint: 'sh -c', volumes: ['/src:/app'] },
          app: { extends: 'base', command: 'sleep 1' },
          other: { extends: { service: 'app' }, image: 'debian:bookworm' },
        },
      },
    },
  ]);
  assert.equal(model.services.get('app')?.image, 'busybox');
  assert.equal(model.services.get('app')?.entrypoint, 'sh -c');
  assert.equal(model.services.get('app')?.command, 'sleep 1');
  assert.equal(model.services.get('other')?.image, 'debian:bookworm');
  assert.deepEqual(model.services.get('other')?.volumes, [{ type: 'bind', source: '/src', target: '/app' }]);
});

test('model applies extends from another file', () => {
  const base = {
    file: '/p/common/base.yml',
    content: {
      services: {
        root: { image: 'debian:bookworm', user: 'dev', environment: { FROM_ROOT: '1' } },
        base: {
          extends: 'root',
          build: { context: './image', dockerfile: 'Dockerfile.dev' },
          volumes: ['./seed:/seed:ro', 'cache:/cache', { type: 'bind', source: '../data', target: '/data' }],
          env_file: ['base.env'],
        },
      },
    },
  };
  const model = mergeComposeFiles(
    [{ file: '/p/.devcontainer/compose.yml', content: { services: { app: { extends: { file: '../common/base.yml', service: 'base' }, volumes: ['..:/workspace'] } } } }],
    new Map([[base.file, base]]),
  );
  const app = model.services.get('app');
  assert.ok(app);
  assert.equal(app.image, 'debian:bookworm');
  assert.equal(app.user, 'dev');
  assert.deepEqual(app.environment, { FROM_ROOT: '1' });
  // Paths from the other file are relative to that file's folder, and the service's own paths to the project folder.
  assert.deepEqual(app.build, { context: '/p/common/image', dockerfile: 'Dockerfile.dev', target: undefined });
  assert.deepEqual(app.volumes, [
    { type: 'bind', source: '/p/common/seed', target: '/seed' },
    { type: 'volume', source: 'cache', target: '/cache' },
    { type: 'bind', source: '/p/data', target: '/data' },
    { type: 'bind', source: '/p', target: '/workspace' },
  ]);
  assert.deepEqual(app.envFiles, ['/p/common/base.env']);
  assert.equal(app.file, '/p/.devcontainer/compose.yml');
  // The rebased binds, which podman-compose 1.0.3 would resolve against the project folder.
  assert.deepEqual(app.extendedBinds, { short: ['/p/common/seed:/seed:ro'], long: [{ target: '/data', folder: '/p/common' }] });
});

test('model drops extended binds the service replaces', () => {
  const base = { file: '/p/common/base.yml', content: { services: { base: { image: 'busybox', volumes: ['./seed:/seed', './keep:/keep'] } } } };
  const model = mergeComposeFiles(
    [{ file: '/p/.devcontainer/compose.yml', content: { services: { app: { extends: { file: '../common/base.yml', service: 'base' }, volumes: ['/own:/seed'] } } } }],
    new Map([[base.file, base]]),
  );
  assert.deepEqual(model.services.get('app')?.extendedBinds, { short: ['/p/common/keep:/keep'], long: [] });
});

test('model rejects extends of a missing file or service', () => {
  const main = [{ file: '/p/a.yml', content: { services: { app: { extends: { file: 'other.yml', service: 'base' } } } } }];
  assert.throws(() => mergeComposeFiles(main), /Service "app" in \/p\/a\.yml extends a service in \/p\/other\.yml, which was not found/);
  const other = { file: '/p/other.yml', content: { services: { db: { image: 'busybox' } } } };
  assert.throws(() => mergeComposeFiles(main, new Map([[other.file, other]])), /extends "base", which \/p\/other\.yml does not define/);
});

test('model rejects an extends loop across files', () => {
  const other: ComposeFile = { file: '/p/other.yml', content: { services: { base: { extends: { file: 'a.yml', service: 'app' } } } } };
  const main: ComposeFile = { file: '/p/a.yml', content: { services: { app: { extends: { file: 'other.yml', service: 'base' } } } } };
  assert.throws(() => mergeComposeFiles([main], new Map([[other.file, other], [main.file, main]])), /extend each other in a loop: \/p\/a\.yml#app -> \/p\/other\.yml#base -> \/p\/a\.yml#app/);
});

test('model reads environment in both forms', () => {
  const model = mergeComposeFiles([
    { file: '/p/a.yml', content: { services: { app: { environment: ['A=1', 'B', 'C=x=y'] }, db: { environment: { D: 2, E: null } } } } },
    { file: '/p/b.yml', content: { services: { app: { environment: { B: 'set' } } } } },
  ]);
  assert.deepEqual(model.services.get('app')?.environment, { A: '1', B: 'set', C: 'x=y' });
  assert.deepEqual(model.services.get('db')?.environment, { D: '2', E: '' });
});

test('model rejects extends of a missing service', () => {
  assert.throws(
    () => mergeComposeFiles([{ file: '/p/a.yml', content: { services: { app: { extends: 'nope' } } } }]),
    /Service "app" in \/p\/a\.yml extends "nope", which no compose file defines/,
  );
});

test('model rejects an extends loop', () => {
  assert.throws(
    () => mergeComposeFiles([{ file: '/p/a.yml', content: { services: { a: { extends: 'b' }, b: { extends: 'a' } } } }]),
    /extend each other in a loop/,
  );
});

test('model rejects services that are not mappings', () => {
  assert.throws(() => mergeComposeFiles([{ file: '/p/a.yml', content: { services: ['app'] } }]), /"services" must be a mapping/);
  assert.throws(() => mergeComposeFiles([{ file: '/p/a.yml', content: { services: { app: 'busybox' } } }]), /service "app" must be a mapping/);
});

test('model skips optional env files', () => {
  const model = mergeComposeFiles([
    { file: '/p/a.yml', content: { services: { app: { env_file: [{ path: 'needed.env' }, { path: 'optional.env', required: false }] } } } },
  ]);
  assert.deepEqual(model.services.get('app')?.envFiles, ['needed.env']);
});

test('profiles select services', () => {
  const model = mergeComposeFiles([
    { file: '/p/a.yml', content: { services: { app: {}, debug: { profiles: ['debug'] }, both: { profiles: ['x', 'y'] } } } },
  ]);
  assert.deepEqual(servicesForProfiles(model, []), ['app']);
  assert.deepEqual(servicesForProfiles(model, ['debug']), ['app', 'debug']);
  assert.deepEqual(servicesForProfiles(model, ['y']), ['app', 'both']);
  assert.deepEqual(servicesForProfiles(model, ['*']), ['app', 'debug', 'both']);
});
