import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { docker } from '../support/engine';

/**
 * The parts of an inspected container that the suite compares. Their forms
 * do not depend on how a CLI spelled its request: environment and labels are
 * maps, mounts are keyed by target, option lists are sorted, and absent and
 * empty settings are one value.
 */
export interface ContainerState {
  image: string;
  env: Record<string, string>;
  user: string;
  workingDir: string;
  command: CommandSemantics;
  mounts: Record<string, MountSummary>;
  labels: Record<string, string>;
  /** The `devcontainer.metadata` label after JSON parsing. */
  metadata: unknown;
  security: SecuritySettings;
  network: { hostname: string; extraHosts: string[] };
  ports: { exposedPorts: string[]; portBindings: Record<string, string[]> };
}

/**
 * What the entrypoint and command do rather than how they are written: the
 * reference CLI puts its keep-alive script in Cmd behind `/bin/sh`, ours may
 * put it in Entrypoint.
 */
export interface CommandSemantics {
  /** Still running a few seconds after `up` and the exec checks. */
  running: boolean;
  /** A process runs the image's own ENTRYPOINT and CMD. */
  imageCommandRunning: boolean;
}

export interface SecuritySettings {
  capAdd: string[];
  securityOpt: string[];
  privileged: boolean;
  init: boolean;
}

/** Security settings of a HostConfig, with absent lists empty and absent flags false. */
export function summarizeSecurity(hostConfig: Dockerode.HostConfig): SecuritySettings {
  return {
    capAdd: [...(hostConfig.CapAdd ?? [])].sort(),
    securityOpt: [...(hostConfig.SecurityOpt ?? [])].sort(),
    privileged: hostConfig.Privileged ?? false,
    init: hostConfig.Init ?? false,
  };
}

export interface MountSummary {
  type: string;
  source: string;
  readOnly: boolean;
}

export async function inspectContainerState(containerId: string): Promise<ContainerState> {
  const info = await docker.getContainer(containerId).inspect();
  const labels = { ...(info.Config.Labels ?? {}) };
  const metadataText = labels['devcontainer.metadata'];
  delete labels['devcontainer.metadata'];
  const hostConfig = info.HostConfig;

  return {
    image: info.Config.Image,
    env: envListToMap(info.Config.Env ?? []),
    user: info.Config.User ?? '',
    workingDir: info.Config.WorkingDir ?? '',
    command: await commandSemantics(info),
    mounts: summarizeMounts(hostConfig),
    labels,
    metadata: parseMetadata(metadataText),
    security: summarizeSecurity(hostConfig),
    network: {
      hostname: info.Config.Hostname,
      extraHosts: [...(hostConfig.ExtraHosts ?? [])].sort(),
    },
    ports: {
      exposedPorts: Object.keys(info.Config.ExposedPorts ?? {}).sort(),
      portBindings: summarizePortBindings(hostConfig.PortBindings as PortBindingMap | undefined),
    },
  };
}

/** Splits `NAME=value` entries into a map. A later entry for a name wins, as in the engine. */
export function envListToMap(entries: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals > 0) {
      env[entry.slice(0, equals)] = entry.slice(equals + 1);
    }
  }
  return env;
}

function parseMetadata(text: string | undefined): unknown {
  if (text === undefined) return '<no label>';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { invalidJson: text };
  }
}

/**
 * Merges `HostConfig.Mounts` (from `--mount`) and `HostConfig.Binds` (from
 * `-v`) into one map by target. A bind whose source is not an absolute path
 * is a named volume, as the engine reads it. Mount consistency is left out:
 * it only has an effect on Docker Desktop for macOS.
 */
export function summarizeMounts(hostConfig: Dockerode.HostConfig): Record<string, MountSummary> {
  const mounts: Record<string, MountSummary> = {};
  for (const mount of hostConfig.Mounts ?? []) {
    mounts[mount.Target] = { type: mount.Type, source: mount.Source ?? '', readOnly: mount.ReadOnly ?? false };
  }
  for (const bind of hostConfig.Binds ?? []) {
    const [source, target, options = ''] = bind.split(':');
    mounts[target] = {
      type: source.startsWith('/') ? 'bind' : 'volume',
      source,
      readOnly: options.split(',').includes('ro'),
    };
  }
  return Object.fromEntries(Object.entries(mounts).sort(([a], [b]) => a.localeCompare(b)));
}

type PortBindingMap = Record<string, { HostIp?: string; HostPort?: string }[] | null>;

/**
 * Port bindings as `container port -> ["hostIp:hostPort"]`. A host port the
 * engine picked (requested as empty) stays empty so runs compare equal.
 */
function summarizePortBindings(bindings: PortBindingMap | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [port, hosts] of Object.entries(bindings ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    result[port] = (hosts ?? []).map((host) => `${host.HostIp ?? ''}:${host.HostPort ?? ''}`).sort();
  }
  return result;
}

async function commandSemantics(info: Dockerode.ContainerInspectInfo): Promise<CommandSemantics> {
  if (!info.State.Running) {
    return { running: false, imageCommandRunning: false };
  }
  const image = await docker.getImage(info.Image).inspect();
  const imageCommand = [...(image.Config.Entrypoint ?? []), ...(image.Config.Cmd ?? [])].join(' ');
  const processes = await listProcesses(info.Id);
  return { running: true, imageCommandRunning: imageCommand !== '' && processes.includes(imageCommand) };
}

/** Command lines of the processes in a container, arguments joined by spaces. */
export async function listProcesses(containerId: string): Promise<string[]> {
  const script = 'for p in /proc/[0-9]*; do [ -r "$p/cmdline" ] && tr "\\0" " " < "$p/cmdline"; echo; done';
  const output = await execAsRoot(containerId, ['sh', '-c', script]);
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Runs a command as root through the Engine API and returns its stdout. */
export async function execAsRoot(containerId: string, command: string[]): Promise<string> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: command,
    User: 'root',
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({});
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  stderr.resume();
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return Buffer.concat(chunks).toString('utf8');
}
