import * as assert from 'node:assert/strict';
import { test } from 'node:test';
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
