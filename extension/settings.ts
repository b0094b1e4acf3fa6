import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DotfilesOptions } from '../runtime/index';
import type { AttachModeSetting } from './attachMode';

const section = 'openDevcontainers';

/** Values of `openDevcontainers.composeTool` other than `auto`, as DEVCONTAINER_COMPOSE_TOOL takes them. */
const composeTools = ['docker compose', 'docker-compose', 'podman-compose'] as const;

export function attachModeSetting(): AttachModeSetting {
  const value = vscode.workspace.getConfiguration(section).get<string>('attachMode', 'auto');
  return value === 'resolver' || value === 'ssh' || value === 'browser' ? value : 'auto';
}

/** Returns the server folder or `.tar.gz` to install in place of a download, or undefined when unset. */
export function serverSourceSetting(): string | undefined {
  const value = vscode.workspace.getConfiguration(section).get<string>('serverSource', '').trim();
  return value === '' ? undefined : expandHome(value);
}

/**
 * Returns the dotfiles repository to install in every dev container, from
 * `openDevcontainers.dotfiles.repository`, `.installCommand` and
 * `.targetPath`, or undefined when no repository is set.
 */
export function dotfilesSetting(): DotfilesOptions | undefined {
  const configuration = vscode.workspace.getConfiguration(`${section}.dotfiles`);
  const repository = configuration.get<string>('repository', '').trim();
  if (repository === '') {
    return undefined;
  }
  const installCommand = configuration.get<string>('installCommand', '').trim();
  const targetPath = configuration.get<string>('targetPath', '').trim();
  return {
    repository,
    installCommand: installCommand === '' ? undefined : installCommand,
    targetPath: targetPath === '' ? undefined : targetPath,
  };
}

/**
 * Returns the user's SSH config file that gets our Include line: our own
 * setting, else Remote-SSH's `remote.SSH.configFile` (which Open Remote - SSH
 * reads too), else `~/.ssh/config`.
 */
export function userSshConfigFile(): string {
  const own = vscode.workspace.getConfiguration(section).get<string>('sshConfigFile', '').trim();
  if (own !== '') {
    return expandHome(own);
  }
  const remoteSsh = vscode.workspace.getConfiguration('remote.SSH').get<string>('configFile', '').trim();
  if (remoteSsh !== '') {
    return expandHome(remoteSsh);
  }
  return path.join(os.homedir(), '.ssh', 'config');
}

/** DEVCONTAINER_COMPOSE_TOOL as the editor's environment had it before this extension loaded. */
const environmentComposeTool = process.env.DEVCONTAINER_COMPOSE_TOOL;

/**
 * Passes `openDevcontainers.composeTool` to the runtime through
 * DEVCONTAINER_COMPOSE_TOOL, the variable the CLI's `--docker-compose-path`
 * sets. `auto` restores the value from the editor's environment, if any.
 */
export function applyComposeToolSetting(): void {
  const value = vscode.workspace.getConfiguration(section).get<string>('composeTool', 'auto');
  if ((composeTools as readonly string[]).includes(value)) {
    process.env.DEVCONTAINER_COMPOSE_TOOL = value;
  } else if (environmentComposeTool === undefined) {
    delete process.env.DEVCONTAINER_COMPOSE_TOOL;
  } else {
    process.env.DEVCONTAINER_COMPOSE_TOOL = environmentComposeTool;
  }
}

/** Reapplies the compose tool setting whenever it changes. */
export function watchComposeToolSetting(): vscode.Disposable {
  applyComposeToolSetting();
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${section}.composeTool`)) {
      applyComposeToolSetting();
    }
  });
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}
