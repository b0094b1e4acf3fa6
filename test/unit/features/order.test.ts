import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeInstallOrder } from '../../../runtime/features/order';
import type { FeatureNode, FeatureSource } from '../../../runtime/features/types';
import { parseOciReference } from '../../../runtime/oci/reference';

function local(name: string): FeatureSource {
  return { kind: 'local', folder: `/ws/.devcontainer/features/${name}` };
}

function node(name: string, fields: Partial<FeatureNode> = {}): FeatureNode {
  return {
    userId: `./features/${name}`,
    source: local(name),
    options: {},
    manifest: { id: name },
    folder: `/ws/.devcontainer/features/${name}`,
    dependsOn: [],
    installsAfter: [],
    roundPriority: 0,
    ...fields,
  };
}

const order = (nodes: FeatureNode[]) => computeInstallOrder(nodes, '/ws/.devcontainer/devcontainer.json').map((item) => item.manifest.id);

test('dependsOn, installsAfter and override priority', () => {
  const zeta = node('zeta');
  const alpha = node('alpha', { dependsOn: [zeta], installsAfter: [local('unused')] });
  const beta = node('beta', { roundPriority: 1 });
  const gamma = node('gamma', { installsAfter: [local('alpha')] });
  assert.deepEqual(order([alpha, beta, gamma, zeta]), ['beta', 'zeta', 'alpha', 'gamma']);
});

test('override priority beats a later dependency', () => {
  const common = node('common');
  const usetr = node('usetr', { dependsOn: [common], roundPriority: 2 });
  const removetr = node('removetr', { roundPriority: 1 });
  assert.deepEqual(order([usetr, removetr, common]), ['removetr', 'common', 'usetr']);
});

test('ties sort by folder', () => {
  assert.deepEqual(order([node('c'), node('a'), node('b')]), ['a', 'b', 'c']);
});

test('oci Features sort by namespace then id', () => {
  const oci = (text: string, digest: string): FeatureNode => ({
    ...node(text),
    userId: text,
    source: { kind: 'oci', reference: parseOciReference(text) },
    digest,
    manifest: { id: parseOciReference(text).id },
  });
  assert.deepEqual(order([oci('ghcr.io/b/x/go:1', 'sha256:1'), oci('ghcr.io/a/x/rust:1', 'sha256:2'), oci('ghcr.io/a/x/node:1', 'sha256:3')]), ['node', 'rust', 'go']);
});

test('installsAfter matches a legacy id', () => {
  const renamed = { ...node('new'), userId: 'ghcr.io/x/f/new:1', source: { kind: 'oci' as const, reference: parseOciReference('ghcr.io/x/f/new:1') }, digest: 'sha256:a', manifest: { id: 'new', legacyIds: ['old'] } };
  const after = { ...node('after'), userId: 'ghcr.io/x/f/after:1', source: { kind: 'oci' as const, reference: parseOciReference('ghcr.io/x/f/after:1') }, digest: 'sha256:b', manifest: { id: 'after' }, installsAfter: [{ kind: 'oci' as const, reference: parseOciReference('ghcr.io/x/f/old') }] };
  assert.deepEqual(order([after, renamed]), ['new', 'after']);
});

test('cycle is reported by name', () => {
  const one = node('one');
  const two = node('two', { dependsOn: [one] });
  one.dependsOn.push(two);
  assert.throws(() => order([one, two, node('free')]), /cycle: \.\/features\/one → \.\/features\/two → \.\/features\/one/);
});

test('soft cycle is reported too', () => {
  const one = node('one', { installsAfter: [local('two')] });
  const two = node('two', { installsAfter: [local('one')] });
  assert.throws(() => order([one, two]), /cycle/);
});
