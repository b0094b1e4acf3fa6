import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Argv } from 'yargs';
import { connectEngine } from '../engine/client';
import { inspectImage } from '../engine/images';
import { parseImageReference } from '../engine/reference';
import { loadConfig } from '../config/load';
import { configMetadata, type MetadataEntry, readMetadataLabel } from '../config/metadata';
import { mergedConfiguration } from '../config/merged';
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
        const result: Record<string, unknown> = {
          configuration: {
            ...loaded.config,
            configFilePath: { fsPath: loaded.configFile, path: url.pathname, scheme: 'file' },
          },
          workspace: {
            workspaceFolder: loaded.containerWorkspaceFolder,
            workspaceMount: loaded.workspaceMount,
            configFolderPath: path.dirname(loaded.configFile),
            rootFolderPath: loaded.workspaceFolder,
          },
        };
        if (args['include-merged-configuration']) {
          result.mergedConfiguration = mergedConfiguration(loaded.config, await metadataOf(loaded, logger));
        }
        return result;
      });
    },
  );
}

/**
 * Finds the metadata to merge without building anything: the container's,
 * when one exists, else the local image's label for an image config, else
 * only devcontainer.json's own entry.
 */
async function metadataOf(loaded: LoadedConfig, logger: Logger): Promise<MetadataEntry[]> {
  const engine = await connectEngine({ logger });
  const [container] = await locateContainers({ engine, loaded });
  if (container) {
    const info = await engine.docker.getContainer(container.id).inspect();
    return metadataFor(engine, info, loaded);
  }
  if (loaded.config.image) {
    parseImageReference(loaded.config.image, `"image" in ${loaded.configFile}`);
  }
  const imageEntries = loaded.config.image
    ? readMetadataLabel((await inspectImage(engine, loaded.config.image))?.labels)
    : [];
  return [...imageEntries, configMetadata(loaded.config)];
}
