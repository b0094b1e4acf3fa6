import * as path from 'node:path';
import type { Argv } from 'yargs';
import type { UserEnvProbe } from '../config/metadata';
import type { LockfileMode } from '../features/lockfile';
import { ConfigurationError } from '../errors';
import { type CommonArgs, commonOptions, parseKeyValues } from './options';
import { runJsonCommand } from './output';
import type { DotfilesOptions } from '../attach/dotfiles';
import { recordValidConfig } from '../fast/validated';

const userEnvProbes = ['none', 'loginShell', 'interactiveShell', 'loginInteractiveShell'] as const;

/** Options of `up` and `run-user-commands` that shape the lifecycle run. */
export function lifecycleOptions<T>(argv: Argv<T>) {
  return argv
    .option('skip-post-attach', { type: 'boolean', default: false, describe: 'Do not run postAttachCommand' })
    .option('skip-non-blocking-commands', {
      type: 'boolean',
      default: false,
      describe: 'Stop after the lifecycle command that waitFor names (default updateContentCommand)',
    })
    .option('prebuild', {
      type: 'boolean',
      default: false,
      describe: 'Stop after onCreateCommand and updateContentCommand, rerunning updateContentCommand',
    })
    .option('remote-env', { type: 'string', array: true, describe: 'NAME=value added to the remote environment (repeatable)' })
    .option('default-user-env-probe', {
      choices: userEnvProbes,
      describe: 'userEnvProbe to use when devcontainer.json and the image set none (default loginInteractiveShell)',
    });
}

export function stopAfterOf(args: { prebuild?: boolean; 'skip-non-blocking-commands'?: boolean }) {
  if (args.prebuild) {
    return 'prebuild' as const;
  }
  return args['skip-non-blocking-commands'] ? ('waitFor' as const) : undefined;
}

export function upCommand(argv: Argv) {
  return argv.command(
    'up',
    'Create and start the dev container of a workspace, building its image when needed',
    (y) =>
      lifecycleOptions(commonOptions(y))
        .option('remove-existing-container', { type: 'boolean', default: false, describe: 'Replace the existing container, removing it once the new image is built' })
        .option('build-no-cache', { type: 'boolean', default: false, describe: 'Build the image without the build cache' })
        .option('skip-post-create', { type: 'boolean', default: false, describe: 'Run no lifecycle command in the container' })
        .option('expect-existing-container', { type: 'boolean', default: false, describe: 'Fail unless the container exists already' })
        .option('id-label', { type: 'string', array: true, describe: 'Label name=value that identifies the container (repeatable)' })
        .option('lockfile', {
          type: 'boolean',
          default: true,
          describe: 'Write and honour devcontainer-lock.json for Features (--no-lockfile turns it off)',
        })
        .option('frozen-lockfile', {
          type: 'boolean',
          default: false,
          describe: 'Fail when devcontainer-lock.json is missing or does not match the Features',
        })
        .option('dotfiles-repository', {
          type: 'string',
          describe: 'Dotfiles Git repository to clone into the container: a URL, a path in the container, or owner/repo on GitHub',
        })
        .option('dotfiles-install-command', {
          type: 'string',
          describe:
            'Script in the dotfiles repository to run after the clone (default: the first of install.sh, install, ' +
            'bootstrap.sh, bootstrap, script/bootstrap, setup.sh, setup and script/setup; without one, the dotfiles are symlinked into ~)',
        })
        .option('dotfiles-target-path', { type: 'string', default: '~/dotfiles', describe: 'Folder in the container to clone the dotfiles repository into' })
        .option('mount-workspace-git-root', {
          type: 'boolean',
          default: true,
          describe: 'Mount the Git repository root that contains the workspace folder, when there is one',
        }),
    async (args) => {
      process.exitCode = await runJsonCommand(args, async ({ logger, signal }) => {
        const { up } = await import('../up/index');
        const result = await up({
          workspaceFolder: args['workspace-folder'],
          configFile: configPath(args),
          removeExistingContainer: args['remove-existing-container'],
          buildNoCache: args['build-no-cache'],
          skipPostAttach: args['skip-post-attach'],
          skipLifecycle: args['skip-post-create'],
          stopAfter: stopAfterOf(args),
          expectExistingContainer: args['expect-existing-container'],
          idLabels: args['id-label'],
          mountGitRoot: args['mount-workspace-git-root'],
          lockfileMode: lockfileModeOf(args),
          defaultUserEnvProbe: args['default-user-env-probe'] as UserEnvProbe | undefined,
          extraRemoteEnv: parseKeyValues(args['remote-env'], '--remote-env'),
          dotfiles: dotfilesOf(args),
          logger,
          signal,
        });
        // Lets the next warm `up` or `exec` (runtime/fast) skip the schema check of this configuration.
        await recordValidConfig(result.loaded);
        return {
          containerId: result.containerId,
          ...(result.composeProjectName ? { composeProjectName: result.composeProjectName } : {}),
          remoteUser: result.remoteUser,
          remoteWorkspaceFolder: result.remoteWorkspaceFolder,
        };
      });
    },
  );
}

/** Maps the `--dotfiles-*` flags to the dotfiles options; none without a repository, as in the reference CLI. */
export function dotfilesOf(args: {
  'dotfiles-repository'?: string;
  'dotfiles-install-command'?: string;
  'dotfiles-target-path'?: string;
}): DotfilesOptions | undefined {
  const repository = args['dotfiles-repository'];
  if (repository === undefined || repository === '') {
    return undefined;
  }
  return { repository, installCommand: args['dotfiles-install-command'], targetPath: args['dotfiles-target-path'] };
}

/** Maps `--no-lockfile` and `--frozen-lockfile` to a lockfile mode. */
export function lockfileModeOf(args: { lockfile?: boolean; 'frozen-lockfile'?: boolean }): LockfileMode {
  if (args.lockfile === false && args['frozen-lockfile']) {
    throw new ConfigurationError('--no-lockfile and --frozen-lockfile contradict each other; pass one of them.');
  }
  if (args.lockfile === false) {
    return 'off';
  }
  return args['frozen-lockfile'] ? 'frozen' : 'update';
}

/** `--config` is relative to the current folder, as in the reference CLI. */
export function configPath(args: CommonArgs): string | undefined {
  return args.config === undefined ? undefined : path.resolve(args.config);
}
