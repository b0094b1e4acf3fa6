import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EnvironmentError, isServerInstallFailure, type Logger, prepareEditorServer, up } from '../../runtime/index';
import type { DevContainerLocation } from '../resolver/authority';
import { sshHostAlias } from './hostAlias';
import type { ContainerLog } from '../log';
import { withContainerProgress } from '../progress';
import { dotfilesSetting, serverSourceSetting, userSshConfigFile } from '../settings';
import { findProxyLauncher } from './launcher';
import { SshConfigError } from './sshConfig';
import { ownSshFiles, writeHostEntry } from './sshConfigFile';

export interface SshHandoffRequest {
  location: DevContainerLocation;
  removeExistingContainer: boolean;
  buildNoCache: boolean;
  /** Title of the progress notification. */
  progressTitle: string;
  /** Folder of this extension, which contains `dist/cli.js`. */
  extensionPath: string;
  log: ContainerLog;
}

/**
 * Opens the container's workspace folder through an SSH client extension.
 * It brings the container up and installs the VS Code server of this
 * editor's commit where Remote-SSH looks for it, so the client downloads
 * nothing, with the settings, extensions, .gitconfig and dotfiles applied.
 * Then it writes an SSH host whose ProxyCommand is the runtime's
 * `ssh-proxy` and opens `vscode-remote://ssh-remote+<alias>/...`, and the
 * SSH client starts the server.
 * The lifecycle commands all run before the window reloads, because the
 * reload ends this extension host and the execs it started.
 */
export async function openWithSsh(request: SshHandoffRequest): Promise<void> {
  const { location, log } = request;
  const container = await withContainerProgress(request.progressTitle, log, async ({ logger, signal }) => {
    try {
      const result = await prepareEditorServer({
        workspaceFolder: location.workspaceFolder,
        configFile: location.configFile,
        clientProductPath: path.join(vscode.env.appRoot, 'product.json'),
        serverSource: serverSourceSetting(),
        removeExistingContainer: request.removeExistingContainer,
        buildNoCache: request.buildNoCache,
        startServer: false,
        dotfiles: dotfilesSetting(),
        logger,
        signal,
      });
      await result.remainingLifecycle;
      return result;
    } catch (error) {
      return upWithoutServer(request, error, { logger, signal });
    }
  });

  const alias = sshHostAlias(location);
  await writeSshHost(request, alias, container.remoteUser);
  await setRemotePlatform(alias, log);
  log.write({ level: 'info', component: 'attach', message: `Opening ${container.remoteWorkspaceFolder} through SSH host ${alias}` });

  const folder = vscode.Uri.from({ scheme: 'vscode-remote', authority: `ssh-remote+${alias}`, path: container.remoteWorkspaceFolder });
  await vscode.commands.executeCommand('vscode.openFolder', folder, { forceReuseWindow: true });
}

/**
 * Handles a failed server install for the SSH hand-off. The SSH client can
 * install the server itself, so a failed download or copy into the running
 * container is only a warning. Any other error, cancellation included, is
 * raised again.
 */
async function upWithoutServer(
  request: SshHandoffRequest,
  installError: unknown,
  context: { logger: Logger; signal: AbortSignal },
): Promise<{ remoteUser: string; remoteWorkspaceFolder: string }> {
  if (!isServerInstallFailure(installError)) {
    throw installError;
  }
  const result = await up({
    workspaceFolder: request.location.workspaceFolder,
    configFile: request.location.configFile,
    logger: context.logger,
    signal: context.signal,
  });
  const reason = installError instanceof Error ? installError.message : String(installError);
  context.logger.warn(`Installing the VS Code server in the container failed, so the SSH client will install it: ${reason}`);
  void vscode.window.showWarningMessage(
    vscode.l10n.t('The VS Code server could not be installed in the container ahead of time, so the SSH extension will download it. See the log for the reason.'),
  );
  return result;
}

async function writeSshHost(request: SshHandoffRequest, alias: string, remoteUser: string): Promise<void> {
  const files = ownSshFiles(os.homedir());
  const userConfigFile = userSshConfigFile();
  const launcher = await findProxyLauncher({
    pathVariable: process.env.PATH,
    platform: process.platform,
    execPath: process.execPath,
  });

  try {
    await writeHostEntry({
      files,
      userConfigFile,
      entry: {
        alias,
        remoteUser,
        launcher,
        cliPath: path.join(request.extensionPath, 'dist', 'cli.js'),
        workspaceFolder: request.location.workspaceFolder,
        configFile: request.location.configFile,
        platform: process.platform === 'win32' ? 'win32' : 'posix',
      },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const cause = error instanceof SshConfigError ? 'an SSH config value is invalid' : 'a file could not be written';
    throw new EnvironmentError(
      `Writing the SSH host ${alias} to ${files.configFile} and its Include line to ${userConfigFile} failed, because ${cause}: ${reason}`,
      { objectId: userConfigFile },
      { cause: error },
    );
  }
}

/**
 * Records the container as a Linux host in `remote.SSH.remotePlatform`, the
 * setting where Remote-SSH looks up a host's platform, so it does not ask.
 * Only the SSH client extension registers that setting. Where it is not
 * registered the update fails, and the client asks for the platform instead.
 */
async function setRemotePlatform(alias: string, log: ContainerLog): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('remote.SSH');
  const platforms = configuration.get<Record<string, string>>('remotePlatform') ?? {};
  if (platforms[alias] === 'linux') {
    return;
  }
  try {
    await configuration.update('remotePlatform', { ...platforms, [alias]: 'linux' }, vscode.ConfigurationTarget.Global);
  } catch (error) {
    log.write({ level: 'debug', component: 'attach', message: `Setting remote.SSH.remotePlatform for ${alias} failed: ${String(error)}` });
  }
}
