import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { connectEngine } from '../engine/client';
import { runExec } from '../engine/exec';
import { ConfigurationError, EnvironmentError, messageOf } from '../errors';
import type { Logger } from '../log';
import type { UpOptions, UpResult } from '../up/index';
import { listVolumeNames, removeTestResources } from './testCleanup';
import testLibrary from './test-lib.sh';

/** One test: a devcontainer.json to bring up and a script to run in the container. */
export interface FeatureTestCase {
  name: string;
  /** The test folder whose files are copied into the workspace. */
  testFolder: string;
  /** Script in the test folder, run from the workspace folder. */
  script: string;
  config: Record<string, unknown>;
  /** Extra copies of collection Features: folder name in .devcontainer to Feature id, e.g. `{ "color-0": "color" }`. */
  featureCopies?: Record<string, string>;
  /** Variables added to the script's environment. */
  env?: Record<string, string>;
  /**
   * The source of the test's configuration, which errors name in place of the
   * temporary devcontainer.json, e.g. `scenario "green" in /p/test/color/scenarios.json`.
   */
  definedIn?: string;
}

export interface RunFeatureTestOptions {
  sourceFolder: string;
  /** Ids of the Features in sourceFolder; these keys in `features` become local Features. */
  featureIds: string[];
  baseImage: string;
  remoteUser?: string;
  preserveTestContainers?: boolean;
  logger: Logger;
  output: (line: string) => void;
  signal?: AbortSignal;
  up: (options: UpOptions) => Promise<UpResult>;
}

/**
 * Runs one test: writes a workspace whose .devcontainer contains the scenario
 * config and copies of the collection's Features, brings it up, and runs the
 * script with the test library beside it. Returns whether the script exited 0.
 */
export async function runFeatureTest(testCase: FeatureTestCase, options: RunFeatureTestOptions): Promise<boolean> {
  const engine = await connectEngine({ logger: options.logger });
  const volumesBefore = await listVolumeNames(engine);
  const root = await fs.mkdtemp(path.join(path.dirname(options.sourceFolder), '.features-test-'));
  const workspace = path.join(root, testCase.name.replace(/[^A-Za-z0-9._-]+/g, '-'));
  try {
    await writeWorkspace(workspace, testCase, options);
    const result = await options.up({ workspaceFolder: workspace, logger: options.logger, signal: options.signal, mountGitRoot: false, engine });
    const lines = lineWriter(options.output);
    const exitCode = await runExec(result.engine, result.containerId, {
      cmd: ['/bin/sh', '-c', 'chmod +x "./$0" && exec "./$0"', testCase.script],
      user: result.remoteUser,
      workingDir: result.remoteWorkspaceFolder,
      env: { ...result.remoteEnv, ...testCase.env },
      stdout: lines,
      stderr: lines,
      signal: options.signal,
    });
    await new Promise<void>((resolve) => lines.end(resolve));
    options.output(exitCode === 0 ? `Test '${testCase.name}' passed` : `Test '${testCase.name}' failed: ${testCase.script} exited with ${exitCode}`);
    return exitCode === 0;
  } catch (error) {
    if (error instanceof ConfigurationError || error instanceof EnvironmentError) {
      error.message = pointAtTestSources(error.message, workspace, testCase, options.sourceFolder);
      if (error instanceof ConfigurationError && error.location) {
        error.location.file = pointAtTestSources(error.location.file, workspace, testCase, options.sourceFolder);
      }
    }
    throw error;
  } finally {
    // Runs after a failure or cancellation too, so a cancelled `up` leaves nothing behind.
    if (!options.preserveTestContainers) {
      const problems = await removeTestResources({ engine, workspace, volumesBefore }).catch((error: unknown) => [messageOf(error)]);
      for (const problem of problems) options.logger.warn(`Cleanup of test '${testCase.name}' failed for ${problem}; remove it by hand.`);
      await fs.rm(root, { recursive: true, force: true });
    }
  }
}

/**
 * Rewrites paths of the temporary test workspace, which is deleted after the
 * test, to the files the user edits. The workspace's devcontainer.json becomes
 * the test's definition (a scenario in scenarios.json). Feature copies become
 * the Features in src, and other files the test folder.
 */
export function pointAtTestSources(text: string, workspace: string, testCase: FeatureTestCase, sourceFolder: string): string {
  const devcontainer = path.join(workspace, '.devcontainer');
  const replacements: [string, string][] = [
    [path.join(devcontainer, 'devcontainer.json'), testCase.definedIn ?? `the configuration of test "${testCase.name}"`],
  ];
  for (const key of Object.keys((testCase.config.features ?? {}) as Record<string, unknown>)) {
    const id = testCase.featureCopies?.[key] ?? key;
    if (/^[A-Za-z0-9._-]+$/.test(key)) replacements.push([path.join(devcontainer, key), path.join(sourceFolder, id)]);
  }
  replacements.push([devcontainer, testCase.testFolder], [workspace, testCase.testFolder]);
  // Longest paths first, and only whole path segments: `.devcontainer/color`
  // must not rewrite the start of `.devcontainer/color-0`.
  replacements.sort(([a], [b]) => b.length - a.length);
  let result = text;
  for (const [from, to] of replacements) {
    const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    result = result.replace(new RegExp(`${escaped}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_-])`, 'g'), () => to);
  }
  return result;
}

async function writeWorkspace(workspace: string, testCase: FeatureTestCase, options: RunFeatureTestOptions): Promise<void> {
  const devcontainer = path.join(workspace, '.devcontainer');
  await fs.mkdir(devcontainer, { recursive: true });
  // The test files go to the workspace, where the script runs, and to
  // .devcontainer, where a scenario's build.dockerfile is relative to.
  await fs.cp(testCase.testFolder, workspace, { recursive: true });
  await fs.cp(testCase.testFolder, devcontainer, { recursive: true });
  await fs.writeFile(path.join(workspace, 'dev-container-features-test-lib'), testLibrary, { mode: 0o755 });

  const config = { ...testCase.config };
  const features: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((config.features ?? {}) as Record<string, unknown>)) {
    const sourceId = options.featureIds.includes(key) ? key : testCase.featureCopies?.[key];
    if (sourceId) {
      await fs.cp(path.join(options.sourceFolder, sourceId), path.join(devcontainer, key), { recursive: true });
      features[`./${key}`] = value;
    } else {
      features[key] = value;
    }
  }
  config.features = features;
  if (config.image === undefined && config.build === undefined && config.dockerFile === undefined) config.image = options.baseImage;
  if (options.remoteUser && config.remoteUser === undefined) config.remoteUser = options.remoteUser;
  await fs.writeFile(path.join(devcontainer, 'devcontainer.json'), JSON.stringify(config, null, 2));
}

function lineWriter(onLine: (line: string) => void): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
      callback();
    },
    final(callback) {
      if (pending) onLine(pending);
      callback();
    },
  });
}
