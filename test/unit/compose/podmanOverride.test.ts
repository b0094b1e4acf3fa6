import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { ConfigurationError } from '../../../runtime/errors';
import { podmanComposeStart, shellJoin } from '../../../runtime/compose/podmanOverride';

const keepAlive = ['/bin/sh', '-c', 'echo started\nwhile sleep 1000 & wait $!; do :; done', '-'];
const forms = (entrypoint?: string | string[], command?: string | string[], commandArgv: string[] = []) => ({
  service: 'app',
  file: '/ws/.devcontainer/compose.yml',
  entrypoint,
  command,
  commandArgv,
});

test('string command is replaced by an empty string', () => {
  const start = podmanComposeStart(keepAlive, true, forms(undefined, 'sleep 1000'), 'overrideCommand');
  assert.deepEqual(start.entrypoint, keepAlive);
  assert.equal(start.command, '');
});

test('missing command gets an empty list', () => {
  const start = podmanComposeStart(keepAlive, true, forms(), 'overrideCommand');
  assert.deepEqual(start.command, []);
});

test('list command is dropped by set --', () => {
  const start = podmanComposeStart(keepAlive, true, forms(undefined, ['sleep', '1000'], ['sleep', '1000']), 'overrideCommand');
  assert.equal(start.command, undefined);
  assert.ok(Array.isArray(start.entrypoint));
  assert.equal((start.entrypoint as string[])[2].startsWith('set --\n'), true);
});

test('list command is left to the Feature wrapper', () => {
  const wrapper = ['/bin/sh', '-c', 'feature-entry; exec "$@"', '-', 'sleep', 'infinity'];
  const start = podmanComposeStart(wrapper, false, forms(undefined, ['sleep', 'infinity'], ['sleep', 'infinity']), 'Feature');
  assert.deepEqual(start.entrypoint, ['/bin/sh', '-c', 'feature-entry; exec "$@"', '-']);
  assert.equal(start.command, undefined);
});

test('string entrypoint gets a quoted string', () => {
  const start = podmanComposeStart(keepAlive, true, forms('/docker-entrypoint.sh'), 'overrideCommand');
  assert.equal(typeof start.entrypoint, 'string');
  assert.deepEqual(pythonSplit(start.entrypoint as string), keepAlive);
});

test('list entrypoint is rejected with its path', () => {
  assert.throws(
    () => podmanComposeStart(keepAlive, true, forms(['/bin/sh', '-c', 'exit 4']), '"overrideCommand": true'),
    (error: unknown) =>
      error instanceof ConfigurationError &&
      /Service "app" in \/ws\/\.devcontainer\/compose\.yml sets "entrypoint" as a list/.test(error.message) &&
      /"overrideCommand": true cannot take effect/.test(error.message) &&
      /DEVCONTAINER_COMPOSE_TOOL=docker-compose/.test(error.message),
  );
});

test('shellJoin round-trips through shlex', () => {
  const argv = ["it's", 'a "quoted" word', '$HOME', 'two\nlines', ''];
  assert.deepEqual(pythonSplit(shellJoin(argv)), argv);
});

/** Splits with Python's shlex, as podman-compose 1.0.3 does. */
function pythonSplit(text: string): string[] {
  const output = execFileSync('python3', ['-c', 'import json, shlex, sys; print(json.dumps(shlex.split(sys.stdin.read())))'], { input: text });
  return JSON.parse(output.toString()) as string[];
}
