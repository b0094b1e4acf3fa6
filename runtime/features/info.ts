import * as path from 'node:path';
import * as semver from 'semver';
import { ConfigurationError } from '../errors';
import type { Logger } from '../log';
import { InvalidReferenceError, parseOciReference } from '../oci/reference';
import { loadConfig } from '../config/load';
import { FeatureFetcher } from './fetch';
import { readLockfile } from './lockfile';
import { computeInstallOrder } from './order';
import { featuresEqual, resolveFeatureGraph, satisfiesSoftDependency } from './resolve';
import type { FeatureNode } from './types';

export type InfoMode = 'manifest' | 'tags' | 'dependencies' | 'verbose';

export interface FeatureInfoOptions {
  mode: InfoMode;
  /** An OCI reference: `registry/namespace/id[:tag|@digest]`. */
  feature: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/**
 * Reads what a registry stores about a published Feature: its manifest and
 * canonical id, its published tags, or its dependency graph (as a Mermaid
 * flowchart, dependsOn as solid arrows and installsAfter as dotted ones).
 */
export async function featureInfo(options: FeatureInfoOptions): Promise<Record<string, unknown>> {
  let reference;
  try {
    reference = parseOciReference(options.feature);
  } catch (error) {
    throw new ConfigurationError(`"${options.feature}" is not an OCI Feature reference: ${(error as InvalidReferenceError).message}`, undefined, { cause: error });
  }
  const fetcher = new FeatureFetcher({ logger: options.logger, env: options.env, signal: options.signal });
  const result: Record<string, unknown> = {};

  if (options.mode === 'manifest' || options.mode === 'verbose') {
    const { fetched } = await fetcher.resolveManifest(reference);
    result.manifest = fetched.manifest;
    result.canonicalId = `${reference.resource}@${fetched.digest}`;
  }
  if (options.mode === 'tags' || options.mode === 'verbose') {
    const tags = await fetcher.registry.listTags(reference, options.signal);
    if (tags.length === 0) {
      throw new ConfigurationError(
        `No published versions found for Feature ${reference.resource}. Check the registry, namespace and id, and log in to ${reference.registry} (docker login) if the Feature is private.`,
      );
    }
    result.publishedTags = [...tags.filter((tag) => semver.valid(tag)).sort(semver.compare), ...tags.filter((tag) => !semver.valid(tag)).sort()];
  }
  if (options.mode === 'dependencies' || options.mode === 'verbose') {
    // A Feature's own dependsOn paths have no devcontainer.json to be relative to, so they resolve against the current folder.
    const configFile = path.join(process.cwd(), 'devcontainer.json');
    const nodes = await resolveFeatureGraph({ features: { [options.feature]: {} }, configFile, fetcher, logger: options.logger });
    const ordered = computeInstallOrder(nodes, configFile);
    result.installOrder = ordered.map((node) => ({ id: node.userId, options: node.options }));
    result.dependencyGraph = mermaidGraph(nodes);
  }
  return result;
}

export interface ResolveDependenciesOptions {
  workspaceFolder: string;
  configFile?: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Computes the install order of a workspace's Features without building anything. */
export async function resolveDependencies(options: ResolveDependenciesOptions): Promise<{ installOrder: { id: string; options: Record<string, unknown> }[] }> {
  const loaded = await loadConfig({ workspaceFolder: options.workspaceFolder, configFile: options.configFile });
  const lockfile = await readLockfile(loaded.configFile);
  const fetcher = new FeatureFetcher({ logger: options.logger, env: options.env, signal: options.signal, lockfile });
  const order = loaded.config.overrideFeatureInstallOrder;
  const nodes = await resolveFeatureGraph({
    features: loaded.config.features,
    overrideFeatureInstallOrder: Array.isArray(order) ? (order as string[]) : undefined,
    configFile: loaded.configFile,
    fetcher,
    logger: options.logger,
  });
  const ordered = computeInstallOrder(nodes, loaded.configFile);
  return { installOrder: ordered.map((node) => ({ id: node.userId, options: node.options })) };
}

/** Writes a Mermaid flowchart of the graph: `-->` for dependsOn, `-.->` for installsAfter. */
export function mermaidGraph(nodes: FeatureNode[]): string {
  const name = (node: FeatureNode) => `n${nodes.indexOf(node)}["${node.userId.replace(/"/g, '#quot;')}"]`;
  const lines = ['flowchart'];
  for (const node of nodes) {
    lines.push(`  ${name(node)}`);
    for (const dependency of node.dependsOn) {
      const target = nodes.find((other) => featuresEqual(other, dependency));
      if (target) lines.push(`  ${name(node)} --> ${name(target)}`);
    }
    for (const source of node.installsAfter) {
      for (const target of nodes.filter((other) => satisfiesSoftDependency(other, source))) {
        lines.push(`  ${name(node)} -.-> ${name(target)}`);
      }
    }
  }
  return lines.join('\n');
}
