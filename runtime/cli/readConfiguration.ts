import { pathToFileURL } from 'node:url';
import type { Argv } from 'yargs';
import { connectEngine } from '../engine/client';
import { inspectImage } from '../engine/images';
import { parseImageReference } from '../engine/reference';
import { loadConfig } from '../config/load';
import { configMetadata, type MetadataEntry, readMetadataLabel } from '../config/metadata';
import { mergedConfiguration } from '../config/merged';
import { substituteContainerEnv } from '../config/substitute';
import type { LoadedConfig } from '../config/types';
import type { Logger } from '../log';
import { locateContainers } from '../locate';
import { metadataFor } from '../up/running';
import { commonOptions } from './options';
import { runJsonCommand } from './output';
import { configPath } from './up';

export function readConfigurationCommand(argv: Argv) {
  return argv.command(
    'read-configuration',
    'Print the configuration of a workspace as JSON, with host variables substituted',
    (y) =>
      commonOptions(y).option('include-merged-configuration', {
        type: 'boolean',
        default: false,
        describe: 'Also print the configuration merged with image and Feature metadata',
      }),
    async (args) => {
      process.exitCode = await runJsonCommand(args, async ({ logger }) => {
        const loaded = await loadConfig({ workspaceFolder: args['workspace-folder'], configFile: configPath(args) });
        const url = pathToFileURL(loaded.configFile);
        const configFilePath = { fsPath: loaded.configFile, path: url.pathname, scheme: 'file' };
        const sources = await metadataSources(loaded, logger);
        const result: Record<string, unknown> = {
          configuration: { ...withContainerEnv(loaded.config, sources.containerEnv), configFilePath },
          workspace: { workspaceFolder: loaded.containerWorkspaceFolder, workspaceMount: loaded.workspaceMount },
        };
        if (args['include-merged-configuration']) {
          const merged = mergedConfiguration(loaded.config, sources.entries);
          result.mergedConfiguration = { ...withContainerEnv(merged, sources.containerEnv), configFilePath };
        }
        return result;
      }, { outcomeField: false });
    },
  );
}

/**
 * Resolves `${containerEnv:NAME}` in remoteEnv with a running container's
 * environment; without a container the references stay as written.
 */
function withContainerEnv<T extends { remoteEnv?: unknown }>(config: T, containerEnv: string[] | undefined): T {
  if (!containerEnv || !config.remoteEnv || typeof config.remoteEnv !== 'object') {
    return config;
  }
  const env = Object.fromEntries(containerEnv.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  const remoteEnv = Object.fromEntries(
    Object.entries(config.remoteEnv as Record<string, string | null>).map(([name, value]) => [
      name,
      value === null ? null : substituteContainerEnv(value, env),
    ]),
  );
  return { ...config, remoteEnv };
}

/**
 * Finds the metadata to merge without building anything: the container's,
 * when one exists, else the local image's label for an image config, else
 * only devcontainer.json's own entry. Also returns the container's
 * environment when there is a container.
 */
async function metadataSources(
  loaded: LoadedConfig,
  logger: Logger,
): Promise<{ entries: MetadataEntry[]; containerEnv?: string[] }> {
  const engine = await connectEngine({ logger });
  const [container] = await locateContainers({ engine, loaded });
  if (container) {
    const info = await engine.docker.getContainer(container.id).inspect();
    const running = container.state === 'running';
    return { entries: await metadataFor(engine, info, loaded), containerEnv: running ? info.Config.Env ?? [] : undefined };
  }
  if (loaded.config.image) {
    parseImageReference(loaded.config.image, `"image" in ${loaded.configFile}`);
  }
  const imageEntries = loaded.config.image
    ? readMetadataLabel((await inspectImage(engine, loaded.config.image))?.labels)
    : [];
  return { entries: [...imageEntries, configMetadata(loaded.config)] };
}
