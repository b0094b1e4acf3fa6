import { parseNameValuePairs } from '../config/nameValue';
import type { Engine } from '../engine/client';
import type { ContainerSummary } from '../engine/containers';
import { configMetadata, type MetadataEntry } from '../config/metadata';
import type { LoadedConfig } from '../config/types';
import { EnvironmentError, messageOf, throwIfAborted } from '../errors';
import type { LockfileMode } from '../features/lockfile';
import type { Logger } from '../log';
import { updateRemoteUserUid } from '../up/uid';
import { openComposeContext } from './context';
import { assertRunning, assertSameWorkspace, findMainContainer, runningServices } from './containers';
import { prepareServiceImage } from './image';
import { removeStoredOverride, storedOverrideFile, writeOverrideFile } from './overrideFile';
import { type ComposeContext, runCompose } from './run';
import { keepFailedProject, keepFailedProjectVariable } from './settings';
import { removeComposeProject } from './teardown';
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
 * A project whose creation fails is removed with `down`, unless
 * DEVCONTAINER_COMPOSE_KEEP_FAILED is set.
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
    logger.info(`Removing the containers of compose project ${project.name}`);
    await removeComposeProject(context, { engine, anonymousVolumes: false, showOutput: true });
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
  const override = (await storedOverrideFile(project.loaded)) ?? (await prepareOverride(context, options)).file;
  await runCompose(context, ['up', '-d', '--no-recreate', ...project.startServices], { extraFiles: [override], showOutput: true });
  await assertRunning(options.engine, project, existing.id);
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

  try {
    await runCompose(context, ['up', '-d', ...project.startServices], {
      extraFiles: [file],
      showOutput: true,
      advice: `Fix the cause the output below names and run \`up\` again; set ${keepFailedProjectVariable}=1 to keep the failed containers for inspection.`,
    });
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
      await takeDown({ ...context, signal: undefined }, options.engine, [file]);
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

async function takeDown(context: ComposeContext, engine: Engine, extraFiles: string[]): Promise<void> {
  const logger = context.logger.child('compose');
  logger.info(`Removing the containers of the failed compose project ${context.project.name}`);
  try {
    await removeComposeProject(context, { engine, extraFiles, anonymousVolumes: false });
    await removeStoredOverride(context.project.loaded);
  } catch (error) {
    logger.warn(`Removing the failed compose project ${context.project.name} failed too: ${messageOf(error)}`);
  }
}
