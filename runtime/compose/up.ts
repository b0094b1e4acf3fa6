import { parseNameValuePairs } from '../config/nameValue';
import type { Engine } from '../engine/client';
import type { ContainerSummary } from '../engine/containers';
import { configMetadata, type MetadataEntry, readMetadataLabel } from '../config/metadata';
import type { LoadedConfig } from '../config/types';
import { EnvironmentError, messageOf, throwIfAborted } from '../errors';
import type { LockfileMode } from '../features/lockfile';
import type { Logger } from '../log';
import { updateRemoteUserUid } from '../up/uid';
import { openComposeContext } from './context';
import { removeContainer } from '../engine/containers';
import { removeCreatedSince, snapshotProject, type ProjectSnapshot } from './cleanup';
import { assertRunning, assertSameWorkspace, belongsToOtherConfig, findMainContainer, projectContainers, runningServices, serviceLabel } from './containers';
import { prepareServiceImage } from './image';
import { removeStoredOverride, storedOverrideFile, writeOverrideFile } from './overrideFile';
import { type ComposeContext, runCompose, runComposeWithOutput } from './run';
import { keepFailedProject, keepFailedProjectVariable } from './settings';
import { warnIgnoredProperties } from './workspace';

export interface ComposeUpOptions {
  engine: Engine;
  loaded: LoadedConfig;
  removeExistingContainer?: boolean;
  buildNoCache?: boolean;
  expectExistingContainer?: boolean;
  /** `--id-label name=value`, added to the main container's labels. */
  idLabels?: string[];
  lockfileMode?: LockfileMode;
  logger: Logger;
  signal?: AbortSignal;
  /**
   * Checks a newly created main container (its remote user, for example).
   * A failure counts as a failed start, so the project is removed.
   */
  checkNewContainer(containerId: string, metadata: MetadataEntry[]): Promise<void>;
  env?: NodeJS.ProcessEnv;
}

/**
 * Brings a compose configuration's project up and returns its main
 * container. A running project is reused as it is. A stopped one, or one
 * whose other services are down, is started with the override file it was
 * created with. Otherwise the images are built and the project is created.
 * When that fails, the containers and networks this `up` created are
 * removed, unless DEVCONTAINER_COMPOSE_KEEP_FAILED is set; what existed
 * before stays. `--remove-existing-container` removes only the main
 * container, as the reference CLI does, so other services keep their data.
 */
export async function acquireComposeContainer(options: ComposeUpOptions): Promise<{ containerId: string; created: boolean }> {
  const { engine, loaded } = options;
  const logger = options.logger.child('compose');
  const context = await openComposeContext({ loaded, engine, logger: options.logger, signal: options.signal, env: options.env });
  const { project } = context;
  logger.info(`Compose project ${project.name}, main service ${project.service.name}`);
  warnIgnoredProperties(loaded, logger);

  let existing = await findMainContainer(engine, project);
  if (existing) assertSameWorkspace(project, existing);
  if (!existing && options.expectExistingContainer) {
    throw new EnvironmentError(
      `No container of service "${project.service.name}" in compose project "${project.name}", and --expect-existing-container was given. Run \`up\` without it first.`,
      { endpoint: engine.endpoint, objectId: project.name },
    );
  }
  if (existing && options.removeExistingContainer) {
    // Like the reference CLI's `docker rm -f`: the anonymous volumes stay.
    logger.info(`Removing container ${existing.id.slice(0, 12)} of service ${project.service.name} in compose project ${project.name}`);
    await removeContainer(engine, existing.id);
    await removeStoredOverride(loaded);
    existing = undefined;
  }

  // A main container without the identity labels was started by plain
  // Compose; creating the project again recreates it with them.
  if (existing && existing.labels['devcontainer.config_file'] !== undefined) {
    await startExisting(context, options, existing);
    return { containerId: existing.id, created: false };
  }
  return { containerId: await createProject(context, options), created: true };
}

/** Starts the services of an existing project that are not running; nothing to do when all are. */
async function startExisting(context: ComposeContext, options: ComposeUpOptions, existing: ContainerSummary): Promise<void> {
  const { project } = context;
  const logger = context.logger.child('compose');
  const running = await runningServices(options.engine, project.name);
  const stopped = project.startServices.filter((name) => !running.has(name));
  if (stopped.length === 0) {
    logger.info(`Reusing running container ${existing.id.slice(0, 12)} of compose project ${project.name}`);
    return;
  }

  logger.info(`Starting ${stopped.join(', ')} of compose project ${project.name}`);
  const changed = configChangedSince(project.loaded, existing);
  if (changed) {
    logger.warn(
      `devcontainer.json changed since container ${existing.id.slice(0, 12)} was created; it starts with its old settings. ` +
        'Run `up --remove-existing-container` to recreate it with the new ones.',
    );
  }
  const override = (await storedOverrideFile(project.loaded)) ?? (await prepareOverride(context, options)).file;
  await runCompose(context, ['up', '-d', '--no-recreate', ...project.startServices], { extraFiles: [override], showOutput: true });
  const recreate =
    `Container ${existing.id.slice(0, 12)} existed already and was started with the settings it was created with` +
    (changed ? ', which differ from the current devcontainer.json' : '') +
    '. To apply changes to devcontainer.json or the compose files, run `up --remove-existing-container`, or `down` and then `up`.';
  await assertRunning(options.engine, project, existing.id, recreate);
}

/**
 * Tells whether devcontainer.json's own settings differ from those recorded
 * in the container's metadata label when it was created.
 */
function configChangedSince(loaded: ComposeUpOptions['loaded'], existing: ContainerSummary): boolean {
  const recorded = readMetadataLabel(existing.labels).at(-1);
  if (!recorded) return false;
  return JSON.stringify(recorded) !== JSON.stringify(configMetadata(loaded.config, loaded.raw));
}

/**
 * Builds the images, writes the override file and runs `up`. On failure the
 * project is taken down again (with the signal ignored, so a cancelled `up`
 * cleans up too), unless the user asked to keep it.
 */
async function createProject(context: ComposeContext, options: ComposeUpOptions): Promise<string> {
  const { project } = context;
  const logger = context.logger.child('compose');
  // Detect the tool before any image work, so a missing one fails fast.
  const tool = await context.tool();
  const { file, metadata } = await prepareOverride(context, options);
  throwIfAborted(options.signal);
  const before = await snapshotProject(options.engine, project.name);
  const services = await servicesToStart(context, options.engine);

  try {
    const advice = `Fix the cause the output below names and run \`up\` again; set ${keepFailedProjectVariable}=1 to keep the failed containers for inspection.`;
    const result = await runComposeWithOutput(context, ['up', '-d', ...services], { extraFiles: [file], showOutput: true, advice });
    await assertServicesCreated(context, options.engine, services, result, advice);
    const main = await findMainContainer(options.engine, project);
    if (!main) {
      throw new EnvironmentError(
        `${tool.displayName} up finished, but no container of service "${project.service.name}" exists in compose project "${project.name}".`,
        { endpoint: options.engine.endpoint, objectId: project.name },
      );
    }
    await assertRunning(options.engine, project, main.id);
    logger.info(`Created compose project ${project.name}; main container ${main.id.slice(0, 12)}`);
    await options.checkNewContainer(main.id, metadata);
    return main.id;
  } catch (error) {
    if (keepFailedProject(options.env ?? process.env)) {
      logger.warn(`Keeping the containers of the failed compose project ${project.name} (${keepFailedProjectVariable} is set).`);
    } else {
      await removeCreated(context, options.engine, before);
    }
    throw error;
  }
}

/** Prepares the main service's image and writes the override file that makes it the dev container. */
async function prepareOverride(context: ComposeContext, options: ComposeUpOptions): Promise<{ file: string; metadata: MetadataEntry[] }> {
  const { engine } = options;
  const loaded = context.project.loaded;
  const image = await prepareServiceImage({ context, engine, noCache: options.buildNoCache, lockfileMode: options.lockfileMode });
  throwIfAborted(options.signal);

  const metadata = [...image.metadata, configMetadata(loaded.config)];
  const labelMetadata = [...image.metadata, configMetadata(loaded.config, loaded.raw)];
  const withUid = await updateRemoteUserUid({ engine, loaded, image, metadata, signal: options.signal });
  const file = await writeOverrideFile({
    engine,
    project: context.project,
    image: withUid,
    replacesServiceImage: image.replacesServiceImage || withUid.name !== image.name,
    metadata,
    labelMetadata,
    idLabels: parseNameValuePairs(options.idLabels, '--id-label'),
    tool: await context.tool(),
  });
  return { file, metadata };
}

/**
 * Returns the services `up` starts, without those whose container is the dev
 * container of another configuration sharing the project: Compose would
 * recreate those without that configuration's override file.
 */
async function servicesToStart(context: ComposeContext, engine: Engine): Promise<string[]> {
  const { project } = context;
  const owner = { workspaceFolder: project.loaded.workspaceFolder, configFile: project.loaded.configFile };
  const foreign = new Set(
    (await projectContainers(engine, project.name))
      .filter((info) => belongsToOtherConfig(info.Labels, owner))
      .map((info) => info.Labels?.[serviceLabel] ?? ''),
  );
  const skipped = project.startServices.filter((name) => foreign.has(name) && name !== project.service.name);
  if (skipped.length > 0) {
    context.logger.child('compose').info(`Leaving ${skipped.join(', ')} as they are: their containers are the dev containers of other configurations`);
  }
  return project.startServices.filter((name) => !skipped.includes(name));
}

/**
 * Raises when a service of the start set has no container after `up`.
 * podman-compose 1.0.3 logs a failed `podman create` or `podman run` and
 * goes on, exiting 0, so only the missing container shows the failure.
 */
async function assertServicesCreated(
  context: ComposeContext,
  engine: Engine,
  services: string[],
  result: { outputTail: string; commandLine: string },
  advice: string,
): Promise<void> {
  const present = new Set((await projectContainers(engine, context.project.name)).map((info) => info.Labels?.[serviceLabel] ?? ''));
  const missing = services.filter((name) => !present.has(name));
  if (missing.length === 0) return;
  const tool = await context.tool();
  throw new EnvironmentError(
    `${tool.displayName} up exited with code 0, but created no container for service(s) ${missing.join(', ')} of compose project "${context.project.name}". ` +
      `${advice} Command: ${result.commandLine}` +
      (result.outputTail ? `\n${result.outputTail}` : ''),
    { endpoint: engine.endpoint, objectId: context.project.name, outputTail: result.outputTail },
  );
}

/** Removes what a failed `up` created; a failure here is logged, so the error of `up` reaches the user. */
async function removeCreated(context: ComposeContext, engine: Engine, before: ProjectSnapshot): Promise<void> {
  const logger = context.logger.child('compose');
  const { project } = context;
  try {
    const removed = await removeCreatedSince(engine, before);
    logger.info(
      removed.length > 0
        ? `Removed the ${removed.length} container(s) this failed up created in compose project ${project.name}; containers that existed before stay`
        : `The failed up created no containers in compose project ${project.name}`,
    );
    if (!(await findMainContainer(engine, project))) await removeStoredOverride(project.loaded);
  } catch (error) {
    logger.warn(`Removing the containers the failed up created in compose project ${project.name} failed too: ${messageOf(error)}`);
  }
}
