import type { Argv } from 'yargs';
import { commonOptions, containerSelectionOptions } from './options';
import { runJsonCommand } from './output';
import { configPath } from './up';

export function stopAndDownCommands(argv: Argv) {
  return argv
    .command(
      'stop',
      'Stop the dev container of a workspace, keeping it for the next `up`',
      (y) => containerSelectionOptions(commonOptions(y)),
      async (args) => {
        process.exitCode = await runJsonCommand(args, async ({ logger }) => ({
          containerIds: await (await import('../lifetime')).stopDevContainers({
            workspaceFolder: args['workspace-folder'],
            configFile: configPath(args),
            containerId: args['container-id'],
            idLabels: args['id-label'],
            logger,
          }),
        }));
      },
    )
    .command(
      'down',
      'Remove the dev container of a workspace with its anonymous volumes; images and named volumes stay',
      (y) => containerSelectionOptions(commonOptions(y)),
      async (args) => {
        process.exitCode = await runJsonCommand(args, async ({ logger }) => ({
          containerIds: await (await import('../lifetime')).removeDevContainers({
            workspaceFolder: args['workspace-folder'],
            configFile: configPath(args),
            containerId: args['container-id'],
            idLabels: args['id-label'],
            logger,
          }),
        }));
      },
    );
}
