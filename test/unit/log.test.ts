import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, isSecretName, type LogRecord } from '../../runtime/log';

function capture(level: 'trace' | 'info' = 'trace') {
  const records: LogRecord[] = [];
  const logger = createLogger(level, (record) => records.push(record), 'test');
  return { logger, records };
}

test('log redacts registered secrets', () => {
  const { logger, records } = capture();
  logger.addSecret('s3cr3t-token-value');
  logger.child('server').info('starting with --connection-token s3cr3t-token-value now');
  assert.equal(records[0].message, 'starting with --connection-token ******** now');
  assert.equal(records[0].component, 'server');
});

test('log redacts secret-named variables', () => {
  const { logger, records } = capture();
  logger.info('env GITHUB_TOKEN=ghp_abc123 DB_PASSWORD=hunter22 PLAIN=visible');
  assert.equal(records[0].message, 'env GITHUB_TOKEN=******** DB_PASSWORD=******** PLAIN=visible');
});

test('log drops lines below its level', () => {
  const { logger, records } = capture('info');
  logger.debug('hidden');
  logger.trace('hidden');
  logger.warn('shown');
  assert.deepEqual(records.map((record) => record.message), ['shown']);
});

test('secret names are recognised', () => {
  assert.equal(isSecretName('NPM_TOKEN'), true);
  assert.equal(isSecretName('client_secret'), true);
  assert.equal(isSecretName('PGPASSWORD'), true);
  assert.equal(isSecretName('PATH'), false);
});
