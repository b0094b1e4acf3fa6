import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { composeOverride, type OverrideInputs } from '../../../runtime/compose/override';

function inputs(overrides: Partial<OverrideInputs> = {}): OverrideInputs {
  return {
    service: 'app',
    labels: { 'devcontainer.local_folder': '/w', 'devcontainer.metadata': '[{"remoteEnv":{"P":"${containerEnv:PATH}"}}]' },
    containerEnv: {},
    run: { init: false, privileged: false, capAdd: [], securityOpt: [], mounts: [], entrypoints: [] },
    mounts: [],
    overrideCommand: false,
    serviceCommand: { entrypoint: [], cmd: [] },
    gpu: false,
    configFile: '/w/.devcontainer/devcontainer.json',
    ...overrides,
  };
}

/** Parses the override and undoes Compose's `$$` escape, as Compose would. */
function parse(text: string): { version?: string; services: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown> } {
  return yaml.load(text.replace(/\$\$/g, '$')) as never;
}

test('override adds labels only by default', () => {
  const { text, namedVolumes } = composeOverride(inputs());
  const document = parse(text);
  assert.deepEqual(Object.keys(document.services.app), ['labels']);
  assert.equal((document.services.app.labels as Record<string, string>)['devcontainer.local_folder'], '/w');
  assert.deepEqual(namedVolumes, []);
  assert.equal(document.version, undefined);
});

test('override doubles every dollar sign', () => {
  const { text } = composeOverride(inputs({ containerEnv: { PRICE: '$5', REF: '${HOME}' } }));
  assert.match(text, /\$\$\{containerEnv:PATH\}/);
  assert.match(text, /PRICE: '\$\$5'/);
  assert.match(text, /REF: '\$\$\{HOME\}'/);
  assert.doesNotMatch(text.replace(/\$\$/g, ''), /\$/);
});

test('override quotes values compose v1 would retype', () => {
  const { text } = composeOverride(inputs({ containerEnv: { FLAG: 'yes', COUNT: '1', OFF: 'off' } }));
  assert.match(text, /FLAG: 'yes'/);
  assert.match(text, /COUNT: '1'/);
  assert.match(text, /'OFF': 'off'/);
});

test('override keeps the container alive for overrideCommand', () => {
  const document = parse(composeOverride(inputs({ overrideCommand: true, serviceCommand: { entrypoint: ['/e'], cmd: ['c'] } })).text);
  const entrypoint = document.services.app.entrypoint as string[];
  assert.deepEqual(entrypoint.slice(0, 2), ['/bin/sh', '-c']);
  assert.match(entrypoint[2], /trap "exit 0" TERM/);
  assert.match(entrypoint[2], /while sleep 1000 & wait \$!; do :; done/);
  assert.deepEqual(entrypoint.slice(3), ['-']);
  assert.deepEqual(document.services.app.command, []);
});

test('override runs Feature entrypoints before the service command', () => {
  const run = { init: true, privileged: true, capAdd: ['SYS_PTRACE'], securityOpt: ['seccomp=unconfined'], mounts: [], entrypoints: ['/usr/local/share/start.sh'] };
  const document = parse(composeOverride(inputs({ run, serviceCommand: { entrypoint: ['/entry.sh'], cmd: ['serve', '--port', '80'] } })).text);
  const app = document.services.app;
  const entrypoint = app.entrypoint as string[];
  assert.match(entrypoint[2], /\/usr\/local\/share\/start\.sh\nexec "\$@"/);
  assert.deepEqual(entrypoint.slice(3), ['-', '/entry.sh', 'serve', '--port', '80']);
  assert.deepEqual(app.command, []);
  assert.equal(app.init, true);
  assert.equal(app.privileged, true);
  assert.deepEqual(app.cap_add, ['SYS_PTRACE']);
  assert.deepEqual(app.security_opt, ['seccomp=unconfined']);
});

test('override sets image, user, environment and GPUs', () => {
  const document = parse(composeOverride(inputs({ image: 'devcontainer-x-features', containerUser: 'dev', containerEnv: { A: '1' }, gpu: true })).text);
  const app = document.services.app;
  assert.equal(app.image, 'devcontainer-x-features');
  assert.equal(app.user, 'dev');
  assert.deepEqual(app.environment, { A: '1' });
  assert.deepEqual(app.deploy, { resources: { reservations: { devices: [{ capabilities: ['gpu'] }] } } });
});

test('override mounts in long syntax with external volumes', () => {
  const mounts = [
    { Type: 'bind' as const, Source: '/host/a,b:c', Target: '/a', ReadOnly: true },
    { Type: 'volume' as const, Source: 'cache-vol', Target: '/cache' },
    { Type: 'volume' as const, Source: '', Target: '/anonymous' },
    { Type: 'tmpfs' as const, Source: '', Target: '/scratch' },
  ];
  const { text, namedVolumes } = composeOverride(inputs({ mounts }));
  const document = parse(text);
  assert.deepEqual(document.services.app.volumes, [
    { type: 'bind', target: '/a', source: '/host/a,b:c', read_only: true },
    { type: 'volume', target: '/cache', source: 'cache-vol' },
    { type: 'volume', target: '/anonymous' },
  ]);
  assert.deepEqual(document.services.app.tmpfs, ['/scratch']);
  assert.deepEqual(document.volumes, { 'cache-vol': { external: true } });
  assert.deepEqual(namedVolumes, ['cache-vol']);
});

test('override names external volumes for podman-compose', () => {
  const mounts = [{ Type: 'volume' as const, Source: 'cache-vol', Target: '/cache' }];
  const document = parse(composeOverride(inputs({ mounts, nameExternalVolumes: true })).text);
  assert.deepEqual(document.volumes, { 'cache-vol': { external: { name: 'cache-vol' } } });
});

test('override keeps the first file version', () => {
  const mounts = [{ Type: 'bind' as const, Source: '/host', Target: '/in', ReadOnly: true }];
  const document = parse(composeOverride(inputs({ version: '2.4', mounts })).text);
  assert.equal(document.version, '2.4');
  assert.deepEqual(document.services.app.volumes, ['/host:/in:ro']);
});

test('override rejects colons in short syntax', () => {
  const mounts = [{ Type: 'bind' as const, Source: '/a:b', Target: '/in' }];
  assert.throws(() => composeOverride(inputs({ version: '3.1', mounts })), /short volume syntax .* Raise "version"/);
});

test('override adds volumes to other services', () => {
  const document = parse(composeOverride(inputs({ serviceVolumes: { app: ['/p/common/seed:/seed:ro'], db: ['/p/common/data:/data'] } })).text);
  assert.deepEqual(document.services.db, { volumes: ['/p/common/data:/data'] });
  assert.deepEqual(document.services.app.volumes, ['/p/common/seed:/seed:ro']);
});

test('override for podman-compose keeps a string command a string', () => {
  const podmanCompose = { service: 'app', file: '/w/compose.yml', command: 'sleep 1000', commandArgv: ['sleep', '1000'] };
  const document = parse(composeOverride(inputs({ overrideCommand: true, podmanCompose })).text);
  assert.equal(document.services.app.command, '');
  assert.ok(Array.isArray(document.services.app.entrypoint));
});
