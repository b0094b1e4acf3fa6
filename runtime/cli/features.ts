import * as path from 'node:path';
import type { Argv } from 'yargs';
import type { LogLevel, Logger } from '../log';
import type { InfoMode } from '../features/info';
import { type LogFormat, runCommand, writeJson } from './output';

interface LogArgs {
  'log-level': LogLevel;
  'log-format': LogFormat;
}

function logOptions<T>(argv: Argv<T>): Argv<T & LogArgs> {
  return argv
    .option('log-level', {
      choices: ['trace', 'debug', 'info', 'warn', 'error'] as const,
      default: 'info' as LogLevel,
      describe: 'Lowest level of log lines written to stderr',
    })
    .option('log-format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Format of log lines on stderr' }) as Argv<
    T & LogArgs
  >;
}

/**
 * Runs a `features` subcommand: logs go to stderr, the action writes its own
 * result to stdout, and a failure prints the error JSON line and sets exit code 1.
 */
function runFeaturesAction(args: LogArgs, action: (logger: Logger, signal: AbortSignal) => Promise<number>): Promise<number> {
  return runCommand(args, ({ logger, signal }) => action(logger, signal));
}

/** Registers `features package|publish|info|resolve-dependencies|test`, the reference CLI's Feature authoring commands. */
export function featuresCommand(argv: Argv) {
  return argv.command('features', 'Package, publish, inspect and test dev container Features', (features) =>
    features
      .command(
        'package [target]',
        'Package a Feature folder, or a collection src folder, into devcontainer-feature-<id>.tgz files and devcontainer-collection.json',
        (y) =>
          logOptions(y)
            .positional('target', { type: 'string', default: '.', describe: 'A Feature folder or a collection src folder' })
            .option('output-folder', { alias: 'o', type: 'string', default: './output', describe: 'Folder the packages are written to' })
            .option('force-clean-output-folder', { alias: 'f', type: 'boolean', default: false, describe: 'Delete the output folder first' }),
        async (args) => {
          process.exitCode = await runFeaturesAction(args, async (logger) => {
            await (await import('../features/package')).packageFeatures({
              target: args.target,
              outputFolder: args['output-folder'],
              forceCleanOutputFolder: args['force-clean-output-folder'],
              logger,
            });
            return 0;
          });
        },
      )
      .command(
        'publish [target]',
        'Package Features and publish them to an OCI registry with their semantic version tags; prints the result per Feature as JSON',
        (y) =>
          logOptions(y)
            .positional('target', { type: 'string', default: '.', describe: 'A Feature folder or a collection src folder' })
            .option('registry', { alias: 'r', type: 'string', default: 'ghcr.io', describe: 'Registry host, with port when needed' })
            .option('namespace', { alias: 'n', type: 'string', demandOption: true, describe: 'Collection namespace, for example owner/repo' }),
        async (args) => {
          process.exitCode = await runFeaturesAction(args, async (logger, signal) => {
            writeJson(await (await import('../features/publish')).publishFeatures({ target: args.target, registry: args.registry, namespace: args.namespace, logger, signal }));
            return 0;
          });
        },
      )
      .command(
        'info <mode> <feature>',
        'Show the manifest, published tags or dependency graph of a published Feature',
        (y) =>
          logOptions(y)
            .positional('mode', { choices: ['manifest', 'tags', 'dependencies', 'verbose'] as const, demandOption: true })
            .positional('feature', { type: 'string', demandOption: true, describe: 'OCI reference, registry/namespace/id[:tag]' })
            .option('output-format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Format of the result on stdout' }),
        async (args) => {
          process.exitCode = await runFeaturesAction(args, async (logger, signal) => {
            const info = await (await import('../features/info')).featureInfo({ mode: args.mode as InfoMode, feature: args.feature, logger, signal });
            if (args['output-format'] === 'json') writeJson(info);
            else process.stdout.write(formatInfo(info));
            return 0;
          });
        },
      )
      .command(
        'resolve-dependencies',
        "Print the install order of a workspace's Features as JSON, without building",
        (y) =>
          logOptions(y)
            .option('workspace-folder', { type: 'string', default: process.cwd(), describe: 'Workspace folder on the host' })
            .option('config', { type: 'string', describe: 'Path of devcontainer.json (default: found in the workspace)' }),
        async (args) => {
          process.exitCode = await runFeaturesAction(args, async (logger, signal) => {
            const configFile = args.config ? path.resolve(args.config) : undefined;
            writeJson(await (await import('../features/info')).resolveDependencies({ workspaceFolder: args['workspace-folder'], configFile, logger, signal }));
            return 0;
          });
        },
      )
      .command(
        'test [target]',
        'Test a Feature collection: each Feature with default options, then its scenarios and the global scenarios',
        (y) =>
          logOptions(y)
            .positional('target', { type: 'string', default: '.', describe: 'Folder with src/ and test/ (same as --project-folder)' })
            .option('project-folder', { alias: 'p', type: 'string', describe: 'Folder with src/ and test/' })
            .option('features', { alias: 'f', type: 'string', array: true, describe: 'Feature ids to test (default: all in src/)' })
            .option('filter', { type: 'string', describe: 'Run only scenarios whose name contains this text' })
            .option('global-scenarios-only', { type: 'boolean', default: false, describe: 'Run only test/_global scenarios' })
            .option('skip-scenarios', { type: 'boolean', default: false, describe: 'Skip all scenarios' })
            .option('skip-autogenerated', { type: 'boolean', default: false, describe: 'Skip the test.sh run with default options' })
            .option('skip-duplicated', { type: 'boolean', default: false, describe: 'Skip the duplicate tests (test/<id>/duplicate.sh, the Feature installed twice)' })
            .option('permit-randomization', { type: 'boolean', default: false, describe: 'Let the duplicate tests pick random non-default option values' })
            .option('base-image', { alias: 'i', type: 'string', default: 'ubuntu:focal', describe: 'Image for tests that name none' })
            .option('remote-user', { alias: 'u', type: 'string', describe: 'remoteUser of the test containers' })
            .option('preserve-test-containers', { type: 'boolean', default: false, describe: 'Keep test containers and workspaces' })
            .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print only the summary' }),
        async (args) => {
          process.exitCode = await runFeaturesAction(args, async (logger, signal) => {
            const results = await (await import('../features/testCollection')).testFeatureCollection({
              projectFolder: args['project-folder'] ?? args.target,
              features: args.features,
              filter: args.filter,
              globalScenariosOnly: args['global-scenarios-only'],
              skipScenarios: args['skip-scenarios'],
              skipAutogenerated: args['skip-autogenerated'],
              skipDuplicated: args['skip-duplicated'],
              permitRandomization: args['permit-randomization'],
              baseImage: args['base-image'],
              remoteUser: args['remote-user'],
              preserveTestContainers: args['preserve-test-containers'],
              logger,
              output: (line) => {
                if (!args.quiet) process.stdout.write(`${line}\n`);
              },
              signal,
            });
            process.stdout.write('\nTest summary\n');
            for (const result of results) process.stdout.write(`${result.passed ? 'PASSED' : 'FAILED'}: ${result.name}\n`);
            return results.every((result) => result.passed) ? 0 : 1;
          });
        },
      )
      .demandCommand(1, 'Name a features command: package, publish, info, resolve-dependencies or test.'),
  );
}

function formatInfo(info: Record<string, unknown>): string {
  const parts: string[] = [];
  if (info.manifest) parts.push(`Manifest:\n${JSON.stringify(info.manifest, null, 2)}\n\nCanonical id: ${String(info.canonicalId)}`);
  if (info.publishedTags) parts.push(`Published tags:\n${(info.publishedTags as string[]).map((tag) => `  ${tag}`).join('\n')}`);
  if (info.dependencyGraph) parts.push(`Dependency graph (Mermaid):\n${String(info.dependencyGraph)}`);
  if (info.installOrder) {
    parts.push(`Install order:\n${(info.installOrder as { id: string }[]).map((item, index) => `  ${index + 1}. ${item.id}`).join('\n')}`);
  }
  return parts.join('\n\n') + '\n';
}
