import type { Argv } from 'yargs';
import { commonOptions, parseKeyValues } from './options';
import { runJsonCommand } from './output';
import { configPath, lockfileModeOf } from './up';

export function buildCommand(argv: Argv) {
  return argv.command(
    'build [path]',
    'Build the image of a dev container configuration, labelled with its metadata',
    (y) =>
      commonOptions(y)
        .positional('path', { type: 'string', describe: 'Workspace folder (same as --workspace-folder)' })
        .option('image-name', { type: 'string', array: true, describe: 'Name for the built image (repeatable)' })
        .option('no-cache', { type: 'boolean', default: false, describe: 'Build every layer again without the build cache, Feature layers included' })
        // yargs reads `--no-cache` as the negation of a `cache` option, so a
        // hidden `cache` option must exist too, and --no-cache sets it to false.
        .option('cache', { type: 'boolean', hidden: true })
        .option('push', { type: 'boolean', default: false, describe: 'Push the image names to their registries' })
        .option('label', { type: 'string', array: true, describe: 'Label name=value added to the image (repeatable)' })
        .option('lockfile', { type: 'boolean', default: true, describe: 'Write and honour devcontainer-lock.json (--no-lockfile turns it off)' })
        .option('frozen-lockfile', { type: 'boolean', default: false, describe: 'Fail when devcontainer-lock.json does not match the Features' }),
    async (args) => {
      process.exitCode = await runJsonCommand(args, async ({ logger, signal }) =>
        (await import('../build')).buildDevContainerImage({
          workspaceFolder: args.path ?? args['workspace-folder'],
          configFile: configPath(args),
          imageNames: args['image-name'] ?? [],
          noCache: args['no-cache'] || args.cache === false,
          push: args.push,
          labels: parseKeyValues(args.label, '--label'),
          lockfileMode: lockfileModeOf(args),
          logger,
          signal,
        }),
      );
    },
  );
}
