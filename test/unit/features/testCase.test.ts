import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { pointAtTestSources, type FeatureTestCase } from '../../../runtime/features/testCase';

const workspace = '/p/.features-test-Ab12/green';
const testCase: FeatureTestCase = {
  name: 'green',
  testFolder: '/p/test/color',
  script: 'green.sh',
  config: { image: 'debian', features: { color: {}, 'color-0': {}, 'ghcr.io/x/y/z:1': {} } },
  featureCopies: { 'color-0': 'color' },
  definedIn: 'scenario "green" in /p/test/color/scenarios.json',
};

test('temporary paths point at the test sources', () => {
  const message = [
    `Invalid "forwardPorts" in ${workspace}/.devcontainer/devcontainer.json at line 3.`,
    `Fix ${workspace}/.devcontainer/devcontainer.json.`,
    `Feature ./color has no install.sh (looked for ${workspace}/.devcontainer/color/install.sh).`,
    `Copy ${workspace}/.devcontainer/color-0/devcontainer-feature.json.`,
    `Dockerfile not found: ${workspace}/.devcontainer/Dockerfile.`,
    `Script ${workspace}/green.sh failed.`,
  ].join('\n');
  assert.equal(
    pointAtTestSources(message, workspace, testCase, '/p/src'),
    [
      'Invalid "forwardPorts" in scenario "green" in /p/test/color/scenarios.json at line 3.',
      'Fix scenario "green" in /p/test/color/scenarios.json.',
      'Feature ./color has no install.sh (looked for /p/src/color/install.sh).',
      'Copy /p/src/color/devcontainer-feature.json.',
      'Dockerfile not found: /p/test/color/Dockerfile.',
      'Script /p/test/color/green.sh failed.',
    ].join('\n'),
  );
});

test('test without a definition is named by its name', () => {
  const { definedIn: _definedIn, ...plain } = testCase;
  assert.equal(pointAtTestSources(`${workspace}/.devcontainer/devcontainer.json`, workspace, plain, '/p/src'), 'the configuration of test "green"');
});
