import { MarkerCache } from '../lifecycle/markerCache';
import { cliLogger } from '../cli/output';
import { dueMarkers } from '../up/markers';
import type { WarmUpOptions } from './arguments';
import { SocketEngine } from './engine';
import { describeWarmContainer, FallbackRequired, isLocked, openWarmWorkspace } from './workspace';

/**
 * Runs `up` for a workspace whose container is running and has run every
 * once-only lifecycle command and this start's postStartCommand, with the
 * same output as the full runtime's `up`: its log lines on stderr and the
 * JSON result on stdout. Raises FallbackRequired, having printed nothing,
 * when anything is left to do or to report.
 */
export async function warmUp(options: WarmUpOptions, socketPath: string): Promise<number> {
  const started = Date.now();
  const lines: string[] = [];
  const logger = cliLogger(options.logLevel, options.logFormat, (line) => lines.push(line)).child('up');

  const engine = new SocketEngine(socketPath);
  const { loaded, info } = await openWarmWorkspace(engine, options.workspaceFolder, options.config);
  logger.info(`Using ${loaded.configFile}`);
  if (loaded.config.dockerComposeFile !== undefined) {
    // A compose `up` also checks the project's other services.
    throw new FallbackRequired('compose configuration');
  }
  if (loaded.config.initializeCommand !== undefined) {
    throw new FallbackRequired('initializeCommand runs on every up');
  }
  if (isLocked(loaded.devcontainerId)) {
    throw new FallbackRequired('another run holds the dev container lock');
  }

  logger.info(`Reusing running container ${info.Id.slice(0, 12)}`);
  const container = await describeWarmContainer(info, loaded);
  if (!options.skipPostCreate) {
    await checkNothingDue(container.merged, info.Id, info.State.StartedAt, options.skipPostAttach);
  }

  logger.info(`Container ${info.Id.slice(0, 12)} ready in ${Date.now() - started} ms`);
  const composeProjectName = info.Config.Labels?.['com.docker.compose.project'];
  const result = {
    outcome: 'success',
    containerId: info.Id,
    ...(composeProjectName ? { composeProjectName } : {}),
    remoteUser: container.remoteUser,
    remoteWorkspaceFolder: loaded.containerWorkspaceFolder,
  };
  process.stderr.write(lines.join(''));
  process.stdout.write(JSON.stringify(result) + '\n');
  return 0;
}

/** Falls back unless the marker cache shows every due command done and no postAttachCommand is to run. */
export async function checkNothingDue(
  merged: Parameters<typeof dueMarkers>[0],
  containerId: string,
  startedAt: string,
  skipPostAttach: boolean,
): Promise<void> {
  if (!skipPostAttach && merged.lifecycle.postAttachCommand.length > 0) {
    throw new FallbackRequired('postAttachCommand runs on every up');
  }
  const markers = await new MarkerCache(containerId).read();
  const missing = dueMarkers(merged, startedAt).filter((name) => !markers.has(name));
  if (missing.length > 0) {
    throw new FallbackRequired(`lifecycle markers not cached: ${missing.join(', ')}`);
  }
}
