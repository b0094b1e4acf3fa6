import type { Engine } from '../engine/client';
import { execCapture } from '../engine/exec';
import { EnvironmentError } from '../errors';
import type { Logger } from '../log';
import { outputTail } from './containerFiles';
import dotfilesScript from './dotfiles.sh';

/** A personal dotfiles repository to clone into the container, as `up --dotfiles-*` sets it. */
export interface DotfilesOptions {
  /** Git URL, a path in the container, or `owner/repo` for a GitHub repository. */
  repository: string;
  /**
   * Script to run after the clone, relative to the clone or absolute. When
   * omitted, the first of `dotfilesInstallScripts` that exists runs, and
   * without one the clone's dotfiles are symlinked into the home folder.
   */
  installCommand?: string;
  /** Folder to clone into; default `~/dotfiles`. */
  targetPath?: string;
}

/** Scripts looked for in the clone's root folder, in this order, as the reference CLI does. */
export const dotfilesInstallScripts = [
  'install.sh',
  'install',
  'bootstrap.sh',
  'bootstrap',
  'script/bootstrap',
  'setup.sh',
  'setup',
  'script/setup',
];

/**
 * Expands `owner/repo` to its GitHub URL. A value with a colon (a URL or
 * `host:path`) or one that starts with `/`, `./` or `../` is used as it is.
 */
export function dotfilesRepositoryUrl(repository: string): string {
  if (repository.includes(':') || /^\.{0,2}\//.test(repository)) {
    return repository;
  }
  return `https://github.com/${repository}.git`;
}

export type DotfilesInstall = { kind: 'run'; command: string } | { kind: 'link' };

/**
 * Picks what installs the dotfiles: the given install command, else the first
 * install script in `existing` (the candidates found in the clone), else
 * symlinking.
 */
export function chooseDotfilesInstall(installCommand: string | undefined, existing: string[]): DotfilesInstall {
  if (installCommand !== undefined && installCommand.trim() !== '') {
    return { kind: 'run', command: installCommand };
  }
  const found = new Set(existing);
  const script = dotfilesInstallScripts.find((name) => found.has(name));
  return script === undefined ? { kind: 'link' } : { kind: 'run', command: script };
}

export interface InstallDotfilesOptions {
  engine: Engine;
  containerId: string;
  remoteUser: string;
  /** Environment of the clone and the install script: the probed user environment and remoteEnv. */
  remoteEnv: Record<string, string>;
  dotfiles: DotfilesOptions;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * Clones the dotfiles repository as the remote user and runs its install
 * script, once per container: a marker in `~/.devcontainer`, at the path the
 * reference CLI uses, records success. A failed step raises an
 * EnvironmentError with the step's command, exit code and output, and leaves
 * no marker, so the next `up` tries again.
 */
export async function installDotfiles(options: InstallDotfilesOptions): Promise<void> {
  const logger = options.logger.child('dotfiles');
  const repository = dotfilesRepositoryUrl(options.dotfiles.repository);
  const targetPath = options.dotfiles.targetPath ?? '~/dotfiles';
  const env = { ...options.remoteEnv, DOTFILES_REPOSITORY: repository, DOTFILES_TARGET: targetPath };
  const run = (description: string, args: string[], extraEnv: Record<string, string> = {}) =>
    runStep(options, { description, args, env: { ...env, ...extraEnv } });

  const state = (await run('checking the dotfiles marker', ['check'])).trim();
  if (state === 'done') {
    logger.debug('Dotfiles are installed already');
    return;
  }
  if (state === 'no-git') {
    logger.warn(`Skipped the dotfiles from ${repository}: git is not installed in the container. Install git in the image.`);
    return;
  }

  const started = Date.now();
  const existing = await run(`git clone --depth 1 ${repository} ${targetPath}`, ['clone', ...dotfilesInstallScripts]);
  const install = chooseDotfilesInstall(options.dotfiles.installCommand, existing.split('\n').filter((line) => line !== ''));
  if (install.kind === 'run') {
    logger.info(`Running ${install.command} from the dotfiles in ${targetPath}`);
    await run(`${install.command} in ${targetPath}`, ['install'], { DOTFILES_COMMAND: install.command });
  } else {
    logger.info(`Linking the dotfiles in ${targetPath} into the home folder`);
    await run(`linking the dotfiles in ${targetPath}`, ['link']);
  }

  await run('writing the dotfiles marker', ['mark']);
  logger.info(`Installed the dotfiles from ${repository} in ${Date.now() - started} ms`);
}

/** Runs one step of dotfiles.sh and returns its stdout; raises with its output when it fails. */
async function runStep(
  options: InstallDotfilesOptions,
  step: { description: string; args: string[]; env: Record<string, string> },
): Promise<string> {
  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['/bin/sh', '-c', dotfilesScript, 'dotfiles.sh', ...step.args],
    user: options.remoteUser,
    env: step.env,
    signal: options.signal,
  });
  if (result.exitCode !== 0) {
    const tail = outputTail(`${result.stdout}\n${result.stderr}`);
    throw new EnvironmentError(
      `Installing the dotfiles failed at ${step.description}, with exit code ${result.exitCode}. ` +
        `Check the repository and its install script. Output:\n${tail}`,
      { containerId: options.containerId, status: result.exitCode, outputTail: tail },
    );
  }
  options.logger.trace(`dotfiles.sh ${step.args[0]}: ${result.stdout.trim()} ${result.stderr.trim()}`);
  return result.stdout;
}

export interface DotfilesStepOptions {
  running: { engine: Engine; info: { Id: string }; remoteUser: string; remoteEnv: Record<string, string> };
  dotfiles: DotfilesOptions | undefined;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * Returns the lifecycle step that `up` runs after postCreateCommand, or
 * undefined without a dotfiles repository. As in the reference CLI, a failed
 * install is a warning and the container comes up anyway.
 */
export function dotfilesStep(options: DotfilesStepOptions): (() => Promise<void>) | undefined {
  const { dotfiles, running } = options;
  if (dotfiles === undefined || dotfiles.repository.trim() === '') {
    return undefined;
  }
  return async () => {
    try {
      await installDotfiles({
        engine: running.engine,
        containerId: running.info.Id,
        remoteUser: running.remoteUser,
        remoteEnv: running.remoteEnv,
        dotfiles,
        logger: options.logger,
        signal: options.signal,
      });
    } catch (error) {
      if (!(error instanceof EnvironmentError)) {
        throw error;
      }
      options.logger.child('dotfiles').warn(error.message);
    }
  };
}
