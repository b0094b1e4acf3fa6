/**
 * The parts of devcontainer.json the runtime reads, in the spec's own names.
 * Properties not listed here are kept on the object and passed through.
 */

/** A lifecycle command: a shell string, an argv array, or named parallel commands. */
export type LifecycleCommand = string | string[] | { [name: string]: string | string[] };

export type MountSpec =
  | string
  | { type: 'bind' | 'volume'; source?: string; target: string; [key: string]: unknown };

export interface BuildProperties {
  dockerfile?: string;
  context?: string;
  args?: Record<string, string>;
  target?: string;
  cacheFrom?: string | string[];
  options?: string[];
}

export interface DevContainerConfig {
  name?: string;
  image?: string;
  build?: BuildProperties;
  /** Legacy spelling of build.dockerfile. */
  dockerFile?: string;
  /** Legacy spelling of build.context. */
  context?: string;
  dockerComposeFile?: string | string[];
  service?: string;
  workspaceFolder?: string;
  workspaceMount?: string;
  containerEnv?: Record<string, string>;
  remoteEnv?: Record<string, string | null>;
  containerUser?: string;
  remoteUser?: string;
  overrideCommand?: boolean;
  init?: boolean;
  privileged?: boolean;
  capAdd?: string[];
  securityOpt?: string[];
  mounts?: MountSpec[];
  runArgs?: string[];
  features?: Record<string, unknown>;
  initializeCommand?: LifecycleCommand;
  onCreateCommand?: LifecycleCommand;
  updateContentCommand?: LifecycleCommand;
  postCreateCommand?: LifecycleCommand;
  postStartCommand?: LifecycleCommand;
  postAttachCommand?: LifecycleCommand;
  customizations?: Record<string, unknown>;
  userEnvProbe?: 'none' | 'loginShell' | 'interactiveShell' | 'loginInteractiveShell';
  waitFor?: 'initializeCommand' | 'onCreateCommand' | 'updateContentCommand' | 'postCreateCommand' | 'postStartCommand' | 'postAttachCommand';
  updateRemoteUserUID?: boolean;
  [property: string]: unknown;
}

/** A configuration file that was found, read and parsed. */
export interface LoadedConfig {
  /** Absolute path of devcontainer.json. */
  configFile: string;
  /** Absolute path of the workspace folder on the host. */
  workspaceFolder: string;
  /** The configuration with local variables substituted. */
  config: DevContainerConfig;
  /** The configuration exactly as parsed, before substitution. */
  raw: DevContainerConfig;
  /** The file's text that passed the schema check, without a byte order mark; set by loadConfig only. */
  text?: string;
  /** Path of the workspace inside the container. */
  containerWorkspaceFolder: string;
  /** The workspace mount as the config or the default gives it; undefined for none. */
  workspaceMount: string | undefined;
  /** The spec's `${devcontainerId}`, stable for this workspace and config file. */
  devcontainerId: string;
}
