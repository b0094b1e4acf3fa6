/**
 * The part of VS Code's proposed `resolvers` API that this extension uses.
 * Names and shapes follow `src/vscode-dts/vscode.proposed.resolvers.d.ts` in
 * microsoft/vscode (the 1.96 release has all of them). The functions under
 * `workspace` exist in every build but throw unless the editor allows the
 * proposal for this extension, for example when started with
 * `--enable-proposed-api open-devcontainers.open-devcontainers`.
 */
declare module 'vscode' {
  export interface RemoteAuthorityResolverContext {
    /** 0 on the first resolve of a window, then counts the reconnects. */
    resolveAttempt: number;
  }

  /** A connection the extension carries itself, in place of a host and port. */
  export interface ManagedMessagePassing {
    onDidReceiveMessage: Event<Uint8Array>;
    onDidClose: Event<Error | undefined>;
    onDidEnd: Event<void>;

    send: (data: Uint8Array) => void;
    end: () => void;
    drain?: () => Thenable<void>;
  }

  export class ManagedResolvedAuthority {
    readonly makeConnection: () => Thenable<ManagedMessagePassing>;
    readonly connectionToken: string | undefined;

    constructor(makeConnection: () => Thenable<ManagedMessagePassing>, connectionToken?: string);
  }

  export interface ResolvedOptions {
    extensionHostEnv?: { [key: string]: string | null };
    isTrusted?: boolean;
  }

  export interface TunnelPrivacy {
    themeIcon: string;
    id: string;
    label: string;
  }

  export interface TunnelOptions {
    remoteAddress: { port: number; host: string };
    /** The requested local port; another one is used when it is taken. */
    localAddressPort?: number;
    label?: string;
    privacy?: string;
    protocol?: string;
  }

  export interface TunnelDescription {
    remoteAddress: { port: number; host: string };
    localAddress: { port: number; host: string } | string;
    privacy?: string;
    protocol?: string;
  }

  export interface Tunnel extends TunnelDescription {
    /** Fired by the implementer when `dispose` runs. */
    onDidDispose: Event<void>;
    dispose(): void | Thenable<void>;
  }

  export interface TunnelInformation {
    environmentTunnels?: TunnelDescription[];
    tunnelFeatures?: {
      elevation: boolean;
      /** One option must have the id `private`. */
      privacyOptions: TunnelPrivacy[];
    };
  }

  export interface TunnelCreationOptions {
    elevationRequired?: boolean;
  }

  // Upstream also allows a plain `ResolvedAuthority` (host and port); only the
  // managed form is declared, because that is the one this extension returns.
  export type ResolverResult = ManagedResolvedAuthority & ResolvedOptions & TunnelInformation;

  export class RemoteAuthorityResolverError extends Error {
    static NotAvailable(message?: string, handled?: boolean): RemoteAuthorityResolverError;
    static TemporarilyNotAvailable(message?: string): RemoteAuthorityResolverError;

    constructor(message?: string);
  }

  export interface RemoteAuthorityResolver {
    resolve(authority: string, context: RemoteAuthorityResolverContext): ResolverResult | Thenable<ResolverResult>;
    getCanonicalURI?(uri: Uri): ProviderResult<Uri>;
    tunnelFactory?: (tunnelOptions: TunnelOptions, tunnelCreationOptions: TunnelCreationOptions) => Thenable<Tunnel> | undefined;
  }

  export interface ResourceLabelFormatter {
    scheme: string;
    authority?: string;
    formatting: ResourceLabelFormatting;
  }

  export interface ResourceLabelFormatting {
    /** Template such as `${path}`. */
    label: string;
    separator: '/' | '\\' | '';
    tildify?: boolean;
    normalizeDriveLetter?: boolean;
    workspaceSuffix?: string;
    workspaceTooltip?: string;
    authorityPrefix?: string;
    stripPathStartingSeparator?: boolean;
  }

  export namespace workspace {
    export function registerRemoteAuthorityResolver(authorityPrefix: string, resolver: RemoteAuthorityResolver): Disposable;
    export function registerResourceLabelFormatter(formatter: ResourceLabelFormatter): Disposable;
    /** Forwards a port through the resolver's `tunnelFactory`. Throws in a window without a remote. */
    export function openTunnel(tunnelOptions: TunnelOptions): Thenable<Tunnel>;
  }
}
