import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFeatureSource } from '../../../runtime/features/source';

const configFile = '/ws/.devcontainer/devcontainer.json';

test('invalid id in devcontainer.json names that file', () => {
  assert.throws(
    () => parseFeatureSource('Not A Reference!', { configFile, jsonPath: 'features.Not A Reference!' }),
    (error: Error & { location?: { file: string } }) => {
      assert.match(error.message, /Feature "Not A Reference!" in \/ws\/\.devcontainer\/devcontainer\.json is not a valid reference/);
      assert.equal(error.location?.file, configFile);
      return true;
    },
  );
});

test('invalid dependsOn id names the Feature file', () => {
  const declaredIn = { file: '/cache/app/devcontainer-feature.json', description: '"dependsOn" of Feature ./app (/cache/app/devcontainer-feature.json)' };
  assert.throws(
    () => parseFeatureSource('/abs/path', { configFile, jsonPath: 'dependsOn./abs/path', declaredIn }),
    (error: Error & { location?: { file: string; jsonPath?: string } }) => {
      assert.match(error.message, /Feature "\/abs\/path" in "dependsOn" of Feature \.\/app \(\/cache\/app\/devcontainer-feature\.json\) is an absolute path/);
      assert.deepEqual(error.location, { file: '/cache/app/devcontainer-feature.json', jsonPath: 'dependsOn./abs/path' });
      return true;
    },
  );
  assert.throws(() => parseFeatureSource('bad ref', { configFile, jsonPath: 'installsAfter[0]', declaredIn }), /in "dependsOn" of Feature \.\/app .* is not a valid reference/);
});
