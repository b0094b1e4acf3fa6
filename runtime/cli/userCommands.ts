import type { Argv } from 'yargs';
import type { UserEnvProbe } from '../config/metadata';
import { commonOptions, containerSelectionOptions, parseKeyValues } from './options';
import { runJsonCommand } from './output';
import { configPath, lifecycleOptions, stopAfterOf } from './up';

export function userCommandCommands(argv: Argv) {
  return argv
    .command(
      'run-user-commands',
      'Run the lifecycle commands that are due in the running dev container',
      (y) => lifecycleOptions(containerSelectionOptions(commonOptions(y))),
      async (args) => {
        process.exitCode = await runJsonCommand(args, async ({ logger, signal }) => {
          const { runDevContainerUserCommands } = await import('../userCommands');
          await runDevContainerUserCommands({
            workspaceFolder: args['workspace-folder'],
            configFile: configPath(args),
            containerId: args['container-id'],
            idLabels: args['id-label'],
            skipPostAttach: args['skip-post-attach'],
            stopAfter: stopAfterOf(args),
            defaultUserEnvProbe: args['default-user-env-probe'] as UserEnvProbe | undefined,
            extraRemoteEnv: parseKeyValues(args['remote-env'], '--remote-env'),
            logger,
            signal,
          });
          return {};
        });
      },
    )
    .command(
      'set-up',
      'Set up a running container that another tool started as a dev container',
      (y) =>
        lifecycleOptions(commonOptions(y)).option('container-id', {
          type: 'string',
          demandOption: true,
          describe: 'Id of the container to set up',
        }),
      async (args) => {
        process.exitCode = await runJsonCommand(args, async ({ logger, signal }) => ({
          ...(await (await import('../setUp')).setUpContainer({
            containerId: args['container-id'],
            configFile: configPath(args),
            workspaceFolder: args['workspace-folder'],
            skipPostAttach: args['skip-post-attach'],
            defaultUserEnvProbe: args['default-user-env-probe'] as UserEnvProbe | undefined,
            extraRemoteEnv: parseKeyValues(args['remote-env'], '--remote-env'),
            logger,
            signal,
          })),
        }));
      },
    );
}
