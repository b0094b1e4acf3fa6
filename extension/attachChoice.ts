import * as vscode from 'vscode';
import { type AttachChoice, chooseAttachMode, type ResolverApiState, type SshExtensionId, sshExtensionIds } from './attachMode';
import type { ContainerLog } from './log';
import { attachModeSetting } from './settings';

const resolverNoticeShownKey = 'openDevcontainers.resolverBlockedNoticeShown';
const extensionId = 'open-devcontainers.open-devcontainers';

/** Chooses the attach mode for this window, and shows the one-time notice or the missing-extension error it calls for. */
export async function chooseAttachModeForWindow(
  resolverApi: ResolverApiState,
  globalState: vscode.Memento,
  log: ContainerLog,
): Promise<AttachChoice> {
  const choice = chooseAttachMode({
    setting: attachModeSetting(),
    isWebHost: vscode.env.uiKind === vscode.UIKind.Web,
    resolverApi,
    sshExtension: installedSshExtension(),
  });
  log.write({ level: 'debug', component: 'attach', message: `Attach choice ${JSON.stringify(choice)} (resolvers API ${resolverApi})` });

  if (choice.resolverBlockedNotice && !globalState.get<boolean>(resolverNoticeShownKey)) {
    await globalState.update(resolverNoticeShownKey, true);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'The proposed resolvers API is not enabled for Open Dev Containers, so the container opens through SSH instead. To attach directly, start the editor with "code --enable-proposed-api {0}", or add "enable-proposed-api": ["{0}"] to argv.json (command "Preferences: Configure Runtime Arguments") and restart the editor.',
        extensionId,
      ),
    );
  }
  if (choice.kind === 'missingSshExtension') {
    await showMissingSshExtension();
  } else if (choice.settingIgnored) {
    log.write({
      level: 'info',
      component: 'attach',
      message: `openDevcontainers.attachMode is ${attachModeSetting()}, which this editor cannot use, so the ${choice.mode} mode is used.`,
    });
  }
  return choice;
}

function installedSshExtension(): SshExtensionId | undefined {
  return sshExtensionIds.find((id) => vscode.extensions.getExtension(id) !== undefined);
}

async function showMissingSshExtension(): Promise<void> {
  const installRemoteSsh = vscode.l10n.t('Install Remote - SSH');
  const installOpenRemoteSsh = vscode.l10n.t('Install Open Remote - SSH');
  const choice = await vscode.window.showErrorMessage(
    vscode.l10n.t(
      'Attaching this window to a dev container needs the proposed resolvers API or an SSH client extension. Install Remote - SSH ({0}) or Open Remote - SSH ({1}) from the Extensions view, or start the editor with "code --enable-proposed-api {2}" (or add "enable-proposed-api": ["{2}"] to argv.json), then run the command again.',
      sshExtensionIds[0],
      sshExtensionIds[1],
      extensionId,
    ),
    installRemoteSsh,
    installOpenRemoteSsh,
  );
  const idsByAction = new Map<string | undefined, string>([
    [installRemoteSsh, sshExtensionIds[0]],
    [installOpenRemoteSsh, sshExtensionIds[1]],
  ]);
  const id = idsByAction.get(choice);
  if (id) {
    await vscode.commands.executeCommand('workbench.extensions.installExtension', id);
  }
}
