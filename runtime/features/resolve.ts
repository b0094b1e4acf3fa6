import * as path from 'node:path';
import type { Logger } from '../log';
import type { FeatureFetcher } from './fetch';
import { featureManifestName } from './manifestFile';
import { compareOptions, normaliseOptionValues } from './options';
import { parseFeatureSource, sourceKey } from './source';
import type { FeatureNode, FeatureRequest, FeatureSource } from './types';

export interface ResolveGraphOptions {
  /** The `features` object of devcontainer.json. */
  features: Record<string, unknown> | undefined;
  overrideFeatureInstallOrder?: string[];
  configFile: string;
  fetcher: FeatureFetcher;
  logger: Logger;
}

interface Pending {
  request: FeatureRequest;
  /** The node whose dependsOn named this request. */
  dependent?: FeatureNode;
}

/**
 * Fetches every Feature devcontainer.json lists and, recursively, every
 * Feature their `dependsOn` needs, into a graph of nodes. A dependency equal
 * to a node already in the graph (same source, same content, same options)
 * is that node. `dependsOn` and `installsAfter` paths of local Features are
 * relative to the folder of devcontainer.json, as the Features spec defines.
 */
export async function resolveFeatureGraph(options: ResolveGraphOptions): Promise<FeatureNode[]> {
  const { configFile } = options;
  const queue: Pending[] = Object.entries(options.features ?? {}).map(([userId, value]) => ({
    request: {
      userId,
      source: parseFeatureSource(userId, { configFile, jsonPath: `features.${userId}` }),
      options: normaliseOptionValues(value),
    },
  }));

  const nodes: FeatureNode[] = [];
  while (queue.length > 0) {
    const { request, dependent } = queue.shift() as Pending;
    options.logger.debug(`Resolving Feature ${request.userId}`);
    const fetched = await options.fetcher.fetch(request).catch((error: unknown) => {
      // A dependency's fetch error names the dependency, but not which Feature asked for it.
      if (dependent && error instanceof Error) {
        error.message += ` Feature ${dependent.userId} requires it in "dependsOn" of ${path.join(dependent.folder, featureManifestName)}.`;
      }
      throw error;
    });
    const candidate: FeatureNode = { ...request, ...fetched, dependsOn: [], installsAfter: [], roundPriority: 0 };
    const existing = nodes.find((node) => featuresEqual(node, candidate));
    const node = existing ?? candidate;
    if (dependent) dependent.dependsOn.push(node);
    if (existing) continue;

    nodes.push(node);
    const manifestFile = path.join(node.folder, featureManifestName);
    for (const [userId, value] of Object.entries(node.manifest.dependsOn ?? {})) {
      const source = parseFeatureSource(userId, {
        configFile,
        jsonPath: `dependsOn.${userId}`,
        declaredIn: { file: manifestFile, description: `"dependsOn" of Feature ${request.userId} (${manifestFile})` },
      });
      queue.push({ request: { userId, source, options: normaliseOptionValues(value) }, dependent: node });
    }
    node.installsAfter = (node.manifest.installsAfter ?? []).map((userId, index) =>
      parseFeatureSource(userId, {
        configFile,
        jsonPath: `installsAfter[${index}]`,
        declaredIn: { file: manifestFile, description: `"installsAfter" of Feature ${request.userId} (${manifestFile})` },
      }),
    );
  }

  applyOverrideOrder(nodes, options.overrideFeatureInstallOrder ?? [], configFile);
  return nodes;
}

/**
 * Gives each Feature named in overrideFeatureInstallOrder the round priority
 * `n - index`, so earlier entries win each round of the install order.
 */
function applyOverrideOrder(nodes: FeatureNode[], order: string[], configFile: string): void {
  order.forEach((userId, index) => {
    const source = parseFeatureSource(userId, { configFile, jsonPath: `overrideFeatureInstallOrder[${index}]` });
    for (const node of nodes) {
      if (satisfiesSoftDependency(node, source)) {
        node.roundPriority = Math.max(node.roundPriority, order.length - index);
      }
    }
  });
}

/** Equality of the Features spec: same source and content, and the same options. */
export function featuresEqual(a: FeatureNode, b: FeatureNode): boolean {
  if (a.source.kind !== b.source.kind) return false;
  if (compareOptions(a.options, b.options) !== 0) return false;
  if (a.source.kind === 'oci') return a.digest === b.digest;
  return sourceKey(a.source) === sourceKey(b.source);
}

/**
 * Whether a node is the Feature an installsAfter or override entry names,
 * ignoring versions: same folder, URL or `registry/namespace/id`, where the
 * id may also be the Feature's currentId or one of its legacyIds.
 */
export function satisfiesSoftDependency(node: FeatureNode, source: FeatureSource): boolean {
  if (node.source.kind !== source.kind) return false;
  if (sourceKey(node.source) === sourceKey(source)) return true;
  if (node.source.kind !== 'oci' || source.kind !== 'oci') return false;
  const prefix = `${node.source.reference.registry}/${node.source.reference.namespace}`;
  const aliases = [node.manifest.id, node.manifest.currentId, ...(node.manifest.legacyIds ?? [])].filter(Boolean);
  return aliases.some((alias) => `${prefix}/${alias}` === source.reference.resource);
}
