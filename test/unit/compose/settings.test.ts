import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveShutdownAction, keepFailedProject } from '../../../runtime/compose/settings';

test('shutdownAction defaults to stopCompose for compose', () => {
  assert.equal(effectiveShutdownAction({ dockerComposeFile: 'docker-compose.yml' }), 'stopCompose');
  assert.equal(effectiveShutdownAction({ dockerComposeFile: ['a.yml', 'b.yml'] }), 'stopCompose');
});

test('shutdownAction defaults to stopContainer otherwise', () => {
  assert.equal(effectiveShutdownAction({}), 'stopContainer');
});

test('shutdownAction set in the config wins', () => {
  assert.equal(effectiveShutdownAction({ dockerComposeFile: 'c.yml', shutdownAction: 'none' }), 'none');
  assert.equal(effectiveShutdownAction({ dockerComposeFile: 'c.yml', shutdownAction: 'stopContainer' }), 'stopContainer');
  assert.equal(effectiveShutdownAction({ shutdownAction: 'stopCompose' }), 'stopCompose');
});

test('keep-failed variable accepts 1, true and yes', () => {
  assert.equal(keepFailedProject({ DEVCONTAINER_COMPOSE_KEEP_FAILED: '1' }), true);
  assert.equal(keepFailedProject({ DEVCONTAINER_COMPOSE_KEEP_FAILED: 'TRUE' }), true);
  assert.equal(keepFailedProject({ DEVCONTAINER_COMPOSE_KEEP_FAILED: '0' }), false);
  assert.equal(keepFailedProject({}), false);
});
