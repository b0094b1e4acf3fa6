/**
 * Chooses how "Reopen in Container" attaches the editor. Kept free of the
 * `vscode` module so the choice table can be tested on its own.
 */

/** The `openDevcontainers.attachMode` setting. */
export type AttachModeSetting = 'auto' | 'resolver' | 'ssh' | 'browser';

export type AttachMode = 'browser' | 'resolver' | 'ssh';

/**
 * Whether the proposed `resolvers` API can be used. It is `allowed` when
 * registering a resolver worked, and `absent` when the editor has no such
 * function. It is `blocked` when the function exists but the editor rejected
 * the call, because the proposal is not enabled for this extension.
 */
export type ResolverApiState = 'allowed' | 'blocked' | 'absent';

/** Extension ids of the SSH clients that the SSH hand-off opens the folder with. */
export const sshExtensionIds = ['ms-vscode-remote.remote-ssh', 'jeanp413.open-remote-ssh'] as const;
export type SshExtensionId = (typeof sshExtensionIds)[number];

export interface AttachEnvironment {
  setting: AttachModeSetting;
  /** True in a web host such as code-server, where only the browser mode works. */
  isWebHost: boolean;
  resolverApi: ResolverApiState;
  /** The installed SSH client extension, if any. */
  sshExtension: SshExtensionId | undefined;
}

export type AttachChoice =
  | {
      kind: 'attach';
      mode: AttachMode;
      /**
       * Set when the resolver was preferred but its API is blocked, so the
       * user should learn once how to enable it.
       */
      resolverBlockedNotice: boolean;
      /** Set when the setting asked for a mode this host cannot use. */
      settingIgnored: boolean;
    }
  | {
      /** No mode is possible: the SSH hand-off was next but no SSH client extension is installed. */
      kind: 'missingSshExtension';
      resolverBlockedNotice: boolean;
    };

/**
 * Picks the attach mode. A web host always uses the browser. On a desktop
 * host `auto` prefers the resolver and falls back to the SSH hand-off, which
 * needs an SSH client extension.
 */
export function chooseAttachMode(environment: AttachEnvironment): AttachChoice {
  const { setting } = environment;

  if (environment.isWebHost) {
    return { kind: 'attach', mode: 'browser', resolverBlockedNotice: false, settingIgnored: setting === 'resolver' || setting === 'ssh' };
  }
  if (setting === 'browser') {
    return { kind: 'attach', mode: 'browser', resolverBlockedNotice: false, settingIgnored: false };
  }

  const resolverPreferred = setting === 'auto' || setting === 'resolver';
  if (resolverPreferred && environment.resolverApi === 'allowed') {
    return { kind: 'attach', mode: 'resolver', resolverBlockedNotice: false, settingIgnored: false };
  }

  const resolverBlockedNotice = resolverPreferred && environment.resolverApi === 'blocked';
  if (!environment.sshExtension) {
    return { kind: 'missingSshExtension', resolverBlockedNotice };
  }
  return { kind: 'attach', mode: 'ssh', resolverBlockedNotice, settingIgnored: setting === 'resolver' };
}
