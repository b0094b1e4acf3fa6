import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Engine, engineError } from '../engine/client';
import { toEngineMount } from '../engine/mounts';
import { type MetadataEntry, metadataLabel } from '../config/metadata';
import { identityLabels } from '../config/load';
import type { LoadedConfig } from '../config/types';
import { mergeMounts, mergeRunProperties } from '../features/containerProperties';
import { applyHostRequirements } from '../up/hostProperties';
import type { PreparedImage } from '../up/image';
import { composeOverride } from './override';
import { extendedBindOverrides } from './podmanOverride';
import type { ComposeProject } from './project';
import { splitCommandWords } from './shellWords';
import type { ComposeTool } from './tool';

export interface WriteOverrideOptions {
  engine: Engine;
  project: ComposeProject;
  /** The image the main service runs, after Features and the UID update. */
  image: PreparedImage;
  /** True when `image` is one the runtime built, so the override names it. */
  replacesServiceImage: boolean;
  /** Metadata with devcontainer.json's own entry, for this run. */
  metadata: MetadataEntry[];
  /** The same with devcontainer.json's entry as written, for the label. */
  labelMetadata: MetadataEntry[];
  /** `--id-label name=value` labels. */
  idLabels: Record<string, string>;
  /** The compose tool that reads the file. */
  tool: ComposeTool;
}

/**
 * Returns the path of a workspace's override file in the runtime's cache
 * folder. A later `up` of a stopped project starts it with the same file, so
 * Compose gets the configuration it created the containers with.
 */
export function overrideFilePath(loaded: LoadedConfig): string {
  return path.join(overrideFolder(loaded.devcontainerId), 'docker-compose.devcontainer.yml');
}

function overrideFolder(devcontainerId: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'devcontainer-open', 'compose', devcontainerId);
}

/** Returns the kept override file, or undefined when there is none. */
export async function storedOverrideFile(loaded: LoadedConfig): Promise<string | undefined> {
  const file = overrideFilePath(loaded);
  return fs.stat(file).then(
    () => file,
    () => undefined,
  );
}

export async function removeStoredOverride(loaded: LoadedConfig): Promise<void> {
  await removeStoredOverrideOf(loaded.devcontainerId);
}

/** Removes the kept override file of a configuration known only by its `${devcontainerId}`. */
export async function removeStoredOverrideOf(devcontainerId: string): Promise<void> {
  await fs.rm(overrideFolder(devcontainerId), { recursive: true, force: true });
}

/**
 * Generates the override file for the main service, creates the named
 * volumes it declares external, and writes it to the cache folder.
 */
export async function writeOverrideFile(options: WriteOverrideOptions): Promise<string> {
  const { engine, project, image } = options;
  const loaded = project.loaded;
  const config = loaded.config;
  const run = mergeRunProperties(options.metadata);
  const mounts = mergeMounts(mergeRunProperties(image.metadata).mounts, config.mounts ?? []).map(({ mount, jsonPath }) =>
    toEngineMount(mount, { file: loaded.configFile, jsonPath }),
  );
  const withGpu = await applyHostRequirements(engine, loaded, {});
  const command = run.entrypoints.length > 0 ? await serviceCommand(engine, project, image.name) : { entrypoint: [], cmd: [] };

  const { text, namedVolumes } = composeOverride({
    service: project.service.name,
    version: project.model.version,
    image: options.replacesServiceImage ? image.name : undefined,
    labels: {
      ...identityLabels(loaded.workspaceFolder, loaded.configFile),
      ...options.idLabels,
      [metadataLabel]: JSON.stringify(options.labelMetadata),
    },
    containerEnv: config.containerEnv ?? {},
    containerUser: config.containerUser,
    run,
    mounts,
    overrideCommand: config.overrideCommand ?? false,
    serviceCommand: command,
    gpu: (withGpu.HostConfig?.DeviceRequests?.length ?? 0) > 0,
    configFile: loaded.configFile,
    nameExternalVolumes: options.tool.flavor === 'podman-compose',
    podmanCompose:
      options.tool.flavor === 'podman-compose'
        ? {
            service: project.service.name,
            file: project.service.file,
            entrypoint: project.service.entrypoint,
            command: project.service.command,
            commandArgv: project.service.command === undefined ? [] : command.cmd,
          }
        : undefined,
    serviceVolumes:
      options.tool.flavor === 'podman-compose'
        ? extendedBindOverrides(
            project.startServices.map((name) => project.model.services.get(name)).filter((service) => service !== undefined),
            project.model.projectFolder,
          )
        : undefined,
  });

  for (const name of namedVolumes) {
    await createVolume(engine, name);
  }
  const file = overrideFilePath(loaded);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(`${file}.tmp`, text);
  await fs.rename(`${file}.tmp`, file);
  return file;
}

/**
 * Returns the entrypoint and command the main service would run without the
 * override: its own from the compose file, else its image's. A service
 * `entrypoint` clears the image's command, as in Docker.
 */
async function serviceCommand(engine: Engine, project: ComposeProject, imageName: string): Promise<{ entrypoint: string[]; cmd: string[] }> {
  const service = project.service;
  const where = (key: string) => ({ file: service.file, jsonPath: `services.${service.name}.${key}` });
  const argv = (value: string | string[], key: string) => (Array.isArray(value) ? value : splitCommandWords(value, where(key)));

  let imageConfig: { Entrypoint?: string[] | string | null; Cmd?: string[] | string | null } = {};
  if (service.entrypoint === undefined || service.command === undefined) {
    engine.logger.debug(`GET /images/${imageName}/json`);
    try {
      imageConfig = (await engine.docker.getImage(imageName).inspect()).Config ?? {};
    } catch (error) {
      throw engineError(engine, `Inspecting image ${imageName}`, error, imageName);
    }
  }

  const entrypoint = service.entrypoint !== undefined ? argv(service.entrypoint, 'entrypoint') : imageArgv(imageConfig.Entrypoint);
  let cmd: string[] = [];
  if (service.command !== undefined) {
    cmd = argv(service.command, 'command');
  } else if (service.entrypoint === undefined) {
    cmd = imageArgv(imageConfig.Cmd);
  }
  return { entrypoint, cmd };
}

/** Converts an image's ENTRYPOINT or CMD to argv; the shell form runs through `/bin/sh -c`. */
function imageArgv(value: string[] | string | null | undefined): string[] {
  if (!value) return [];
  return Array.isArray(value) ? value : ['/bin/sh', '-c', value];
}

async function createVolume(engine: Engine, name: string): Promise<void> {
  engine.logger.debug('POST /volumes/create');
  try {
    await engine.docker.createVolume({ Name: name });
  } catch (error) {
    throw engineError(engine, `Creating volume ${name}`, error, name);
  }
}
