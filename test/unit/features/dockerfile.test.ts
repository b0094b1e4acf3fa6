import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinEnvFile, featureEnvFile, featureLayerDockerfile, type PlannedFeature } from '../../../runtime/features/dockerfile';
import type { FeatureNode } from '../../../runtime/features/types';

function planned(id: string, containerEnv: Record<string, string> = {}, options: PlannedFeature['options'] = {}): PlannedFeature {
  const node: FeatureNode = {
    userId: `./${id}`,
    source: { kind: 'local', folder: `/ws/${id}` },
    options: {},
    manifest: { id, containerEnv },
    folder: `/ws/${id}`,
    dependsOn: [],
    installsAfter: [],
    roundPriority: 0,
  };
  return { node, options };
}

test('one COPY and RUN per Feature, ENV first', () => {
  const text = featureLayerDockerfile({
    baseImage: 'sha256:base',
    baseUser: 'vscode',
    remoteUser: 'vscode',
    containerUser: 'vscode',
    features: [planned('a', { PATH: '/opt/a/bin:${PATH}', MSG: 'say "hi" \\o/' }), planned('b')],
  });
  assert.equal(
    text,
    [
      'FROM sha256:base',
      'USER root',
      'COPY devcontainer-features/builtin.env devcontainer-features/install-feature.sh /tmp/dev-container-features/',
      'ENV PATH="/opt/a/bin:${PATH}"',
      'ENV MSG="say \\"hi\\" \\\\o/"',
      'COPY devcontainer-features/0/ /tmp/dev-container-features/0/',
      'RUN sh /tmp/dev-container-features/install-feature.sh 0',
      'COPY devcontainer-features/1/ /tmp/dev-container-features/1/',
      'RUN sh /tmp/dev-container-features/install-feature.sh 1',
      'USER vscode',
      '',
    ].join('\n'),
  );
});

test('invalid containerEnv is rejected', () => {
  const layer = { baseImage: 'x', baseUser: '', remoteUser: 'root', containerUser: 'root' };
  assert.throws(() => featureLayerDockerfile({ ...layer, features: [planned('a', { 'BAD NAME': 'x' })] }), /not a valid environment variable name/);
  assert.throws(() => featureLayerDockerfile({ ...layer, features: [planned('a', { OK: 'two\nlines' })] }), /line break/);
});

test('env files quote values for sh', () => {
  assert.equal(featureEnvFile(planned('a', {}, { 'my-opt': "it's $HOME", flag: true })), "MY_OPT='it'\\''s $HOME'\nFLAG='true'\n");
  assert.equal(builtinEnvFile({ remoteUser: 'vscode', containerUser: 'root' }), "_REMOTE_USER='vscode'\n_CONTAINER_USER='root'\n");
});
