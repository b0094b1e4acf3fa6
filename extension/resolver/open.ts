import * as path from 'node:path';
import * as vscode from 'vscode';
import { prepareEditorServer } from '../../runtime/index';
import type { ContainerLog } from '../log';
import { withContainerProgress } from '../progress';
import { dotfilesSetting, serverSourceSetting } from '../settings';
import { type DevContainerLocation, encodeAuthority } from './authority';

export interface ResolverOpenRequest {
  location: DevContainerLocation;
  removeExistingContainer: boolean;
  buildNoCache: boolean;
  /** Title of the progress notification. */
  progressTitle: string;
  log: ContainerLog;
}

/**
 * Opens the container's workspace folder in this window through the
 * resolver. The container and its server are prepared first, in this window,
 * so a failure shows here with its actions (such as opening devcontainer.json)
 * and a rebuild happens once. After the reload the resolver prepares again,
 * which finds both running. The lifecycle commands all run before the
 * reload, because the reload ends this extension host and the execs it started.
 * For the same reason the socket relay started here is closed at once: the
 * resolver starts the window's own relay after the reload.
 */
export async function openWithResolver(request: ResolverOpenRequest): Promise<void> {
  const { location, log } = request;
  const server = await withContainerProgress(request.progressTitle, log, async ({ logger, signal }) => {
    const prepared = await prepareEditorServer({
      workspaceFolder: location.workspaceFolder,
      configFile: location.configFile,
      clientProductPath: path.join(vscode.env.appRoot, 'product.json'),
      serverSource: serverSourceSetting(),
      removeExistingContainer: request.removeExistingContainer,
      buildNoCache: request.buildNoCache,
      dotfiles: dotfilesSetting(),
      logger,
      signal,
    });
    try {
      await prepared.remainingLifecycle;
    } finally {
      await prepared.close();
    }
    return prepared;
  });

  const authority = encodeAuthority(location);
  log.write({ level: 'info', component: 'attach', message: `Opening ${server.remoteWorkspaceFolder} in container ${server.containerId.slice(0, 12)} through the resolver` });
  const folder = vscode.Uri.from({ scheme: 'vscode-remote', authority, path: server.remoteWorkspaceFolder });
  await vscode.commands.executeCommand('vscode.openFolder', folder, { forceReuseWindow: true });
}
