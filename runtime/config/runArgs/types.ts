import type Dockerode from 'dockerode';

/**
 * The container settings that a devcontainer.json `runArgs` array requests,
 * already converted to the Engine API's shapes and units. A field that is
 * undefined was not set by any flag.
 */
export interface RunArgsOptions {
  /** Container name from `--name`. An empty string means "let the engine choose". */
  name?: string;
  hostname?: string;
  user?: string;
  workingDir?: string;
  /** `[value]` from `--entrypoint`, or `['']` when `--entrypoint ""` resets the image's entrypoint. */
  entrypoint?: string[];
  /** `NAME=value` entries: every `--env-file` entry first, then every `--env`, the order docker uses. */
  env: string[];
  labels: Record<string, string>;
  /** `--volume` values with a source (bind mounts and named volumes), in the engine's `Binds` form. */
  binds: string[];
  /** Container paths of anonymous volumes from `--volume /path`. */
  anonymousVolumes: string[];
  mounts: Dockerode.MountSettings[];
  /** Container path to mount options, from `--tmpfs`. */
  tmpfs: Record<string, string>;
  /** Ports as the engine names them, for example `80/tcp`. */
  exposedPorts: string[];
  portBindings: Record<string, Dockerode.PortBinding[]>;
  /** Networks in flag order. The first becomes the network mode. */
  networks: string[];
  /** `host:ip` entries for /etc/hosts. */
  extraHosts: string[];
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  /** True after `--security-opt systempaths=unconfined`, which empties the engine's masked and read-only paths. */
  unconfinedSystemPaths: boolean;
  devices: Dockerode.DeviceMapping[];
  deviceRequests: Dockerode.DeviceRequest[];
  ulimits: Dockerode.Ulimit[];
  sysctls: Record<string, string>;
  privileged?: boolean;
  init?: boolean;
  /** Size of /dev/shm in bytes. */
  shmSize?: number;
  /** Memory limit in bytes. */
  memory?: number;
  /** CPU limit in billionths of a CPU. */
  nanoCpus?: number;
  ipcMode?: string;
  pidMode?: string;
  usernsMode?: string;
}

export function emptyRunArgsOptions(): RunArgsOptions {
  return {
    env: [],
    labels: {},
    binds: [],
    anonymousVolumes: [],
    mounts: [],
    tmpfs: {},
    exposedPorts: [],
    portBindings: {},
    networks: [],
    extraHosts: [],
    capAdd: [],
    capDrop: [],
    securityOpt: [],
    unconfinedSystemPaths: false,
    devices: [],
    deviceRequests: [],
    ulimits: [],
    sysctls: {},
  };
}
