import type { DotfilesOptions } from '../../attach/dotfiles';
import type { ExtensionFailure } from '../../attach/extensions';
import type { Logger } from '../../log';

/**
 * The fields of a VS Code client's `product.json` that select and start the
 * matching server. `serverDownloadUrlTemplate` is optional in the file (VSCodium
 * sets one), and parsing fills in Microsoft's download URL when it is missing.
 */
export interface ClientProduct {
  /** Source commit of the client build, which the server must match. */
  commit: string;
  /** `stable`, `insider` or another release channel. */
  quality: string;
  /** Client version, such as `1.96.4`. */
  version: string;
  /** VSCodium's release number (`${release}` in its template), when the product file has one. */
  release?: string;
  /** Short product name, such as `Code` or `VSCodium`, for messages. */
  nameShort: string;
  /** Name of the launcher in the server's `bin/` folder, such as `code-server`. */
  serverApplicationName: string;
  /** Folder in the remote user's home that Remote-SSH uses, such as `.vscode-server`. */
  serverDataFolderName: string;
  /** Download URL template with `${commit}`, `${quality}`, `${version}`, `${release}`, `${os}` and `${arch}`. */
  serverDownloadUrlTemplate: string;
}

/** CPU architecture names that VS Code server downloads use. */
export type ServerArch = 'x64' | 'arm64' | 'armhf';

/**
 * A byte pipe to the VS Code server in the container, carried by one engine
 * exec. It has the shape of vscode's `ManagedMessagePassing`, which the
 * extension wraps with `vscode.EventEmitter`. The client sends an HTTP upgrade
 * request with `skipWebSocketFrames=true` over it, so the pipe carries raw
 * bytes with no framing.
 */
export interface ServerConnection {
  /** Registers a listener for bytes from the server. */
  onData(listener: (data: Uint8Array) => void): ListenerRegistration;
  /** Registers a listener for the end of the connection, called with the error when it failed. */
  onClose(listener: (error?: Error) => void): ListenerRegistration;
  /** Registers a listener for the server's end of its sending direction. */
  onEnd(listener: () => void): ListenerRegistration;
  /** Sends bytes to the server. Bytes sent after `end()` or a close are dropped. */
  send(data: Uint8Array): void;
  /** Resolves when the bytes sent so far have left the local buffer, or the connection closed. */
  drain?(): Promise<void>;
  /** Ends the sending direction. The server can still send until it closes. */
  end(): void;
  /** Closes both directions at once and stops the exec. */
  destroy(): void;
}

/** Removes the listener it was returned for. */
export interface ListenerRegistration {
  dispose(): void;
}

/**
 * Local replacement for the server download, for machines with no network:
 * a folder that contains the unpacked server (with `bin/` and `out/`), or a
 * `.tar.gz` archive as the download URL returns it.
 */
export type ServerSource = string;

export interface PrepareEditorServerOptions {
  workspaceFolder: string;
  /** Path of devcontainer.json, found by discovery when omitted. */
  configFile?: string;
  /** Path of the client's `product.json`, `${vscode.env.appRoot}/product.json` in the extension. */
  clientProductPath: string;
  /** A local folder or `.tar.gz` to install instead of downloading the server. */
  serverSource?: ServerSource;
  removeExistingContainer?: boolean;
  /** Build the image without the engine's build cache. */
  buildNoCache?: boolean;
  /** Port for the server on the container's loopback interface. The kernel picks one when omitted. */
  port?: number;
  /** Host cache folder, by default `${DEVCONTAINERS_CACHE:-/var/cache/open-devcontainers}`. */
  cacheFolder?: string;
  /**
   * Named volume for the servers that a newly created container mounts, so a
   * rebuilt container finds its server. The default is
   * `devcontainer-open-editor-servers`. With `false` no volume is mounted, and
   * the server is copied into every new container.
   */
  editorServerVolume?: string | false;
  /**
   * Start the server, which is the default. With `false` the server is only
   * installed and linked where Remote-SSH looks for it, and the container is
   * prepared (settings, extensions, .gitconfig, dotfiles) without the socket
   * relay, because an SSH client starts the server and forwards the agent itself.
   */
  startServer?: boolean;
  /** A personal dotfiles repository to install in the container once. */
  dotfiles?: DotfilesOptions;
  /** The host user's home folder, where `.gitconfig` is read. Default: the current user's. */
  hostHome?: string;
  logger: Logger;
  /** Cancels the preparation. When it aborts after the call returned, the socket relay stops. */
  signal?: AbortSignal;
}

/** A container with the server installed and prepared for the editor, as `startServer: false` returns it. */
export interface InstalledEditorServer {
  containerId: string;
  remoteUser: string;
  remoteWorkspaceFolder: string;
  /** Server folder in the container (contains `bin/`, `out/` and `node`). */
  serverFolder: string;
  /** Path of the node binary in the container that runs the server. */
  node: string;
  /** Folder where Remote-SSH looks for this server: `~/${serverDataFolderName}/bin/${commit}` of the remote user. */
  remoteSshServerFolder: string;
  /** The client product the server matches. */
  product: ClientProduct;
  /** True when this call copied the server into the container, false when a complete copy was there. */
  installed: boolean;
  /** Settles when the lifecycle commands after `waitFor` have run; rejects when one fails. */
  remainingLifecycle: Promise<void>;
  /** devcontainer.json's `shutdownAction`: what to do when the editor closes. */
  shutdownAction: 'none' | 'stopContainer' | 'stopCompose';
  /** Messages of the preparation steps that failed and were skipped (settings, .gitconfig, dotfiles, forwarding, extensions). */
  warnings: string[];
  /** The extensions of customizations.vscode.extensions that failed to install. */
  extensionFailures: ExtensionFailure[];
  /** Stops the socket relay that forwards the SSH agent and git credentials; resolves at once when none runs. */
  close(): Promise<void>;
  /** Stops the container, or for `stopCompose` the compose project. */
  stopContainer(): Promise<void>;
}

/** A running server in the container, with the socket relay for it when one runs. */
export interface PreparedEditorServer extends InstalledEditorServer {
  /** Port the server listens on, on the container's loopback interface. */
  port: number;
  /** Token the client presents, registered as a secret with the logger. */
  connectionToken: string;
  /** True when a server that an earlier call started was still running and is reused. */
  reused: boolean;
  /** Opens a new byte pipe to the server, for a `ManagedResolvedAuthority`. */
  connect(): Promise<ServerConnection>;
}
