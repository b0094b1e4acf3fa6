import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseOptionValues, optionEnvName, optionEnvironment, typeOptionValues } from '../../../runtime/features/options';
import type { FeatureManifest } from '../../../runtime/features/types';
import { createLogger, type LogRecord } from '../../../runtime/log';
import { parseJsoncObject } from '../../../runtime/config/jsonc';
import { validateConfig } from '../../../runtime/config/validate';

const manifest: FeatureManifest = {
  id: 'sample',
  options: {
    enabled: { type: 'boolean', default: false },
    flavour: { type: 'string', enum: ['mint', 'plain'], default: 'plain' },
    version: { type: 'string', proposals: ['latest'], default: 'latest' },
    noDefault: { type: 'string' },
  },
};

function typed(chosen: Record<string, unknown>) {
  const records: LogRecord[] = [];
  const values = typeOptionValues(manifest, chosen, { userId: './sample', configFile: '/ws/devcontainer.json', logger: createLogger('warn', (record) => records.push(record)) });
  return { values, records };
}

test('defaults fill missing options', () => {
  assert.deepEqual(typed({}).values, { enabled: false, flavour: 'plain', version: 'latest' });
});

test('boolean strings become booleans', () => {
  assert.equal(typed({ enabled: 'true' }).values.enabled, true);
  assert.equal(typed({ enabled: 'false' }).values.enabled, false);
});

test('wrong types and enum values are rejected', () => {
  assert.throws(() => typed({ enabled: 'yes' }), /option "enabled" of Feature \.\/sample .*expected true or false/);
  assert.throws(() => typed({ flavour: 'sour' }), /expected one of "mint", "plain"/);
  assert.throws(() => typed({ version: { nested: true } }), /option "version".*expected a string/);
});

test('proposals accept any string', () => {
  assert.equal(typed({ version: '1.2.3' }).values.version, '1.2.3');
});

test('undeclared options pass through with a warning', () => {
  const { values, records } = typed({ extra: 'x' });
  assert.equal(values.extra, 'x');
  assert.match(records[0].message, /declares no option "extra"/);
});

test('shorthand values', () => {
  assert.deepEqual(normaliseOptionValues('1.20'), { version: '1.20' });
  assert.deepEqual(normaliseOptionValues(true), {});
  assert.deepEqual(normaliseOptionValues({ a: 1 }), { a: 1 });
});

test('environment names follow the spec rule', () => {
  assert.equal(optionEnvName('myOption-1'), 'MYOPTION_1');
  assert.equal(optionEnvName('install.tools'), 'INSTALL_TOOLS');
  assert.equal(optionEnvName('9lives'), '_LIVES');
  assert.equal(optionEnvName('__x'), '_X');
  assert.deepEqual(optionEnvironment({ enabled: true, 'a-b': 'c' }), { ENABLED: 'true', A_B: 'c' });
});

test('numbers are written out as strings', () => {
  assert.equal(typed({ version: 3.11 }).values.version, '3.11');
  assert.equal(typed({ version: 3.1 }).values.version, '3.1');
  assert.equal(typed({ noDefault: 20 }).values.noDefault, '20');
  assert.deepEqual(optionEnvironment(typed({ version: 3.11 }).values), { ENABLED: 'false', FLAVOUR: 'plain', VERSION: '3.11' });
  assert.throws(() => typed({ enabled: 1 }), /option "enabled".*expected true or false/);
});

test('schema accepts numeric option values', () => {
  const file = '/ws/.devcontainer/devcontainer.json';
  const text = '{ "image": "debian", "features": { "ghcr.io/devcontainers/features/python:1": { "version": 3.11, "installTools": true } } }';
  assert.doesNotThrow(() => validateConfig(parseJsoncObject(text, file), text, file));
  const nested = '{ "image": "debian", "features": { "./local": { "version": { "major": 3 } } } }';
  assert.throws(() => validateConfig(parseJsoncObject(nested, file), nested, file), /expected/);
});

test('invalid default names the Feature file', () => {
  const broken: FeatureManifest = { id: 'broken', options: { flavour: { type: 'string', enum: ['mint', 'plain'], default: 'sour' } } };
  const context = { userId: './broken', configFile: '/ws/devcontainer.json', manifestFile: '/ws/broken/devcontainer-feature.json', logger: createLogger('error', () => undefined) };
  assert.throws(
    () => typeOptionValues(broken, {}, context),
    (error: Error & { location?: { file: string; jsonPath?: string } }) => {
      assert.match(error.message, /Invalid default "sour" of option "flavour" in \/ws\/broken\/devcontainer-feature\.json \(Feature \.\/broken\): expected one of "mint", "plain"/);
      assert.match(error.message, /Set "flavour" for \.\/broken in \/ws\/devcontainer\.json/);
      assert.deepEqual(error.location, { file: '/ws/broken/devcontainer-feature.json', jsonPath: 'options.flavour.default' });
      return true;
    },
  );
  assert.equal(typeOptionValues(broken, { flavour: 'mint' }, context).flavour, 'mint');
});
