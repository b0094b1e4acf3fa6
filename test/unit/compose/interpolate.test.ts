import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationError } from '../../../runtime/errors';
import { interpolate, interpolateDeep } from '../../../runtime/compose/interpolate';

const source = { file: '/p/compose.yml', path: 'services.app.environment.X' };
const variables = { SET: 'value', EMPTY: '', OTHER: 'other' };
const expand = (text: string) => interpolate(text, variables, source);

test('interpolate plain and braced names', () => {
  assert.equal(expand('$SET'), 'value');
  assert.equal(expand('${SET}'), 'value');
  assert.equal(expand('a-${SET}-b $OTHER.'), 'a-value-b other.');
  assert.equal(expand('$UNSET|${UNSET}'), '|');
});

test('interpolate keeps doubled dollars literal', () => {
  assert.equal(expand('$$SET'), '$SET');
  assert.equal(expand('cost: $$5'), 'cost: $5');
  assert.equal(expand('$${SET}'), '${SET}');
});

test('interpolate defaults with and without colon', () => {
  assert.equal(expand('${UNSET:-fallback}'), 'fallback');
  assert.equal(expand('${EMPTY:-fallback}'), 'fallback');
  assert.equal(expand('${EMPTY-fallback}'), '');
  assert.equal(expand('${UNSET-fallback}'), 'fallback');
  assert.equal(expand('${SET:-fallback}'), 'value');
});

test('interpolate nested defaults', () => {
  assert.equal(expand('${UNSET:-${OTHER}}'), 'other');
  assert.equal(expand('${UNSET:-${ALSO_UNSET:-deep}}'), 'deep');
  assert.equal(expand('${UNSET:-a:b}'), 'a:b');
});

test('interpolate alternatives', () => {
  assert.equal(expand('${SET:+alt}'), 'alt');
  assert.equal(expand('${EMPTY:+alt}'), '');
  assert.equal(expand('${EMPTY+alt}'), 'alt');
  assert.equal(expand('${UNSET+alt}'), '');
});

test('interpolate required variables', () => {
  assert.equal(expand('${SET:?needed}'), 'value');
  assert.throws(() => expand('${UNSET:?set UNSET first}'), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /UNSET/);
    assert.match(error.message, /set UNSET first/);
    assert.match(error.message, /\/p\/compose\.yml/);
    assert.equal(error.location?.jsonPath, source.path);
    return true;
  });
  assert.throws(() => expand('${EMPTY:?}'), /EMPTY is not set/);
  assert.equal(expand('${EMPTY?x}'), '');
});

test('interpolate rejects invalid references', () => {
  assert.throws(() => expand('${'), /Invalid variable reference/);
  assert.throws(() => expand('a $ b'), /Invalid variable reference/);
  assert.throws(() => expand('${1ABC}'), /Invalid variable reference/);
  assert.throws(() => expand('${SET!x}'), /Invalid variable reference/);
});

test('interpolate deep skips keys and records paths', () => {
  const result = interpolateDeep({ services: { app: { image: 'img:${SET}', '${SET}': 1, ports: ['${OTHER}'] } } }, variables, {
    file: '/p/compose.yml',
    path: '',
  });
  assert.deepEqual(result, { services: { app: { image: 'img:value', '${SET}': 1, ports: ['other'] } } });
  assert.throws(
    () => interpolateDeep({ services: { app: { ports: ['x', '${NOPE:?}'] } } }, variables, { file: 'f', path: '' }),
    (error: unknown) => (error as ConfigurationError).location?.jsonPath === 'services.app.ports[1]',
  );
});
