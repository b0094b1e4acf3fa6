import * as yaml from 'js-yaml';
import type { MountSettings } from 'dockerode';
import { ConfigurationError } from '../errors';
import { featureStartCommand, type MergedRunProperties } from '../features/containerProperties';
import keepAliveScript from './keep-alive.sh';
import { podmanComposeStart, type ServiceStartForms } from './podmanOverride';

export interface OverrideInputs {
  service: string;
  /** `version:` of the first compose file; Compose v1 rejects files whose versions differ. */
  version?: string;
  /** Image the main service runs, when the runtime built one (Features, UID update). */
  image?: string;
  labels: Record<string, string>;
  containerEnv: Record<string, string>;
  containerUser?: string;
  run: MergedRunProperties;
  mounts: MountSettings[];
  overrideCommand: boolean;
  /** The service's effective entrypoint and command, which Feature entrypoints run before. */
  serviceCommand: { entrypoint: string[]; cmd: string[] };
  /** Reserve the engine's GPUs for the service (`hostRequirements.gpu`). */
  gpu: boolean;
  /** devcontainer.json, for errors about mounts. */
  configFile: string;
  /**
   * Declares external volumes as `external: { name }`, because podman-compose
   * 1.0.3 prefixes the project name to an `external: true` volume without a
   * name, and so mounts a new volume instead of the runtime's.
   */
  nameExternalVolumes?: boolean;
  /**
   * The main service's own entrypoint and command forms, given when
   * podman-compose reads the file, so the override uses forms that its merge
   * rules replace.
   */
  podmanCompose?: ServiceStartForms;
  /** Short-syntax volumes to add per service (for podman-compose, the rebased bind mounts of `extends`). */
  serviceVolumes?: Record<string, string[]>;
}

/**
 * Writes the compose file the runtime adds after the user's files: the main
 * service's labels, environment, user, run properties, mounts, the image with
 * Features, and the entrypoint that overrideCommand or Feature entrypoints
 * need. Named volumes are declared external, because the runtime creates
 * them, so Compose uses the names as written instead of prefixing the
 * project name. Every `$` is doubled, because Compose interpolates this file
 * too.
 */
export function composeOverride(inputs: OverrideInputs): { text: string; namedVolumes: string[] } {
  const service: Record<string, unknown> = {};
  if (inputs.image) service.image = inputs.image;

  const start = featureStartCommand({
    entrypoints: inputs.run.entrypoints,
    overrideCommand: inputs.overrideCommand,
    imageEntrypoint: inputs.serviceCommand.entrypoint,
    imageCmd: inputs.serviceCommand.cmd,
  });
  let entrypoint: string[] | undefined;
  if (start) {
    entrypoint = start.Entrypoint;
  } else if (inputs.overrideCommand) {
    entrypoint = ['/bin/sh', '-c', keepAliveScript, '-'];
  }
  if (entrypoint && inputs.podmanCompose) {
    const reason = start ? 'the Feature entrypoints' : '"overrideCommand": true';
    const adapted = podmanComposeStart(entrypoint, inputs.overrideCommand, inputs.podmanCompose, reason);
    service.entrypoint = adapted.entrypoint;
    if (adapted.command !== undefined) service.command = adapted.command;
  } else if (entrypoint) {
    service.entrypoint = entrypoint;
    service.command = [];
  }

  service.labels = inputs.labels;
  if (Object.keys(inputs.containerEnv).length > 0) service.environment = inputs.containerEnv;
  if (inputs.containerUser) service.user = inputs.containerUser;
  if (inputs.run.init) service.init = true;
  if (inputs.run.privileged) service.privileged = true;
  if (inputs.run.capAdd.length > 0) service.cap_add = inputs.run.capAdd;
  if (inputs.run.securityOpt.length > 0) service.security_opt = inputs.run.securityOpt;

  const longSyntax = supportsLongVolumeSyntax(inputs.version);
  const volumes = inputs.mounts.filter((mount) => mount.Type !== 'tmpfs').map((mount) => volumeEntry(mount, longSyntax, inputs.configFile));
  const tmpfs = inputs.mounts.filter((mount) => mount.Type === 'tmpfs').map((mount) => mount.Target);
  const ownExtra = inputs.serviceVolumes?.[inputs.service] ?? [];
  if (volumes.length + ownExtra.length > 0) service.volumes = [...volumes, ...ownExtra];
  if (tmpfs.length > 0) service.tmpfs = tmpfs;
  if (inputs.gpu) {
    service.deploy = { resources: { reservations: { devices: [{ capabilities: ['gpu'] }] } } };
  }

  const namedVolumes = [...new Set(inputs.mounts.filter((mount) => mount.Type === 'volume' && mount.Source).map((mount) => mount.Source))];
  const document: Record<string, unknown> = {};
  if (inputs.version !== undefined) document.version = inputs.version;
  const services: Record<string, unknown> = {};
  for (const [name, extra] of Object.entries(inputs.serviceVolumes ?? {})) {
    if (name !== inputs.service) services[name] = escapeDollars({ volumes: extra });
  }
  services[inputs.service] = escapeDollars(service);
  document.services = services;
  if (namedVolumes.length > 0) {
    document.volumes = Object.fromEntries(namedVolumes.map((name) => [name, { external: inputs.nameExternalVolumes ? { name } : true }]));
  }
  return { text: yaml.dump(document, { forceQuotes: true, lineWidth: -1, noRefs: true }), namedVolumes };
}

/** Tells whether a file format has the long volume syntax: 3.2 and later, and files without `version`. */
function supportsLongVolumeSyntax(version: string | undefined): boolean {
  if (version === undefined) return true;
  const [major, minor] = version.split('.').map(Number);
  return major > 3 || (major === 3 && (minor || 0) >= 2);
}

function volumeEntry(mount: MountSettings, longSyntax: boolean, configFile: string): unknown {
  if (longSyntax) {
    const entry: Record<string, unknown> = { type: mount.Type, target: mount.Target };
    if (mount.Source) entry.source = mount.Source;
    if (mount.ReadOnly) entry.read_only = true;
    if (mount.Consistency) entry.consistency = mount.Consistency;
    return entry;
  }
  if (mount.Source?.includes(':') || mount.Target.includes(':')) {
    throw new ConfigurationError(
      `The mount of ${mount.Source} at ${mount.Target} (from ${configFile}) contains ":", which the short volume syntax of compose file ` +
        'versions before 3.2 cannot express. Raise "version" in the compose files to 3.2 or later, or remove it.',
      { file: configFile, jsonPath: 'mounts' },
    );
  }
  return [mount.Source, mount.Target, mount.ReadOnly ? 'ro' : undefined].filter(Boolean).join(':');
}

function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeDollars(item)]));
  }
  return value;
}
