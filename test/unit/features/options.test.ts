import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseOptionValues, optionEnvName, optionEnvironment, typeOptionValues } from '../../../runtime/features/options';
import type { FeatureManifest } from '../../../runtime/features/types';
import { createLogger, type LogRecord } from '../../../runtime/log';

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
