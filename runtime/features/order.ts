import { ConfigurationError } from '../errors';
import { compareOptions } from './options';
import { featuresEqual, satisfiesSoftDependency } from './resolve';
import { sourceKey } from './source';
import type { FeatureNode } from './types';

/**
 * Computes the install order with the Features spec's round algorithm. Each
 * round takes the nodes whose hard dependencies (dependsOn) and soft ones
 * (installsAfter, counted only when a matching Feature is installed) are all
 * installed, keeps those with the highest round priority from
 * overrideFeatureInstallOrder, sorts them stably, and appends them. A round
 * with nothing eligible means a cycle, which is reported by name.
 */
export function computeInstallOrder(nodes: FeatureNode[], configFile: string): FeatureNode[] {
  const softDependencies = new Map(
    nodes.map((node) => [node, node.installsAfter.filter((source) => nodes.some((other) => satisfiesSoftDependency(other, source)))]),
  );
  const remaining = [...nodes];
  const installed: FeatureNode[] = [];

  while (remaining.length > 0) {
    const eligible = remaining.filter(
      (node) =>
        node.dependsOn.every((dependency) => installed.some((done) => featuresEqual(done, dependency))) &&
        (softDependencies.get(node) ?? []).every((source) => installed.some((done) => satisfiesSoftDependency(done, source))),
    );
    if (eligible.length === 0) {
      throw new ConfigurationError(
        `The Features of ${configFile} depend on each other in a cycle: ${describeCycle(remaining, softDependencies)}. ` +
          'Remove one of the dependsOn or installsAfter entries that form it.',
        { file: configFile, jsonPath: 'features' },
      );
    }
    const top = Math.max(...eligible.map((node) => node.roundPriority));
    const round = eligible.filter((node) => node.roundPriority === top).sort(compareFeatures);
    for (const node of round) {
      remaining.splice(remaining.indexOf(node), 1);
    }
    installed.push(...round);
  }
  return installed;
}

/**
 * Compares two Features for the stable order within a round, as the
 * reference CLI sorts them: by kind of source, then by `registry/namespace`,
 * id, tag, options and digest for OCI Features, and by folder or URL then
 * options for the others.
 */
export function compareFeatures(a: FeatureNode, b: FeatureNode): number {
  if (a.source.kind !== b.source.kind) return a.userId.localeCompare(b.userId);
  if (a.source.kind === 'oci' && b.source.kind === 'oci') {
    if (a.digest === b.digest && compareOptions(a.options, b.options) === 0) return 0;
    const left = a.source.reference;
    const right = b.source.reference;
    const byNamespace = `${left.registry}/${left.namespace}`.localeCompare(`${right.registry}/${right.namespace}`);
    if (byNamespace !== 0) return byNamespace;
    const byId = left.id.localeCompare(right.id);
    if (byId !== 0) return byId;
    if (left.tag && right.tag && left.tag !== right.tag) return left.tag.localeCompare(right.tag);
    const byOptions = compareOptions(a.options, b.options);
    if (byOptions !== 0) return byOptions;
    return (a.digest ?? '').localeCompare(b.digest ?? '');
  }
  const bySource = sourceKey(a.source).localeCompare(sourceKey(b.source));
  return bySource !== 0 ? bySource : compareOptions(a.options, b.options);
}

/** Finds one cycle among the nodes left over and writes it as `a → b → a`. */
function describeCycle(remaining: FeatureNode[], softDependencies: Map<FeatureNode, FeatureNode['installsAfter']>): string {
  const edges = (node: FeatureNode): FeatureNode[] => [
    ...remaining.filter((other) => node.dependsOn.some((dependency) => featuresEqual(dependency, other))),
    ...remaining.filter((other) => (softDependencies.get(node) ?? []).some((source) => satisfiesSoftDependency(other, source))),
  ];
  const state = new Map<FeatureNode, 'visiting' | 'done'>();
  const stack: FeatureNode[] = [];

  const visit = (node: FeatureNode): FeatureNode[] | undefined => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges(node)) {
      if (state.get(next) === 'visiting') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };

  for (const node of remaining) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle.map((item) => item.userId).join(' → ');
  }
  // Unreachable while the round algorithm and this search use the same edges.
  return remaining.map((node) => node.userId).join(', ');
}
