import { MarkerCache } from '../lifecycle/markerCache';
import type { DevContainerConfig } from '../config/types';
import type { MergedMetadata } from '../config/metadata';
import { type LifecycleContext, readMarkers, runLifecycleCommand, writeMarker } from '../lifecycle/run';
import { dueMarkers, onceCommands, postStartMarker } from './markers';
import { execCapture } from '../engine/exec';
import { inspectContainer } from '../engine/containers';

export interface DueCommandsOptions {
  skipPostAttach: boolean;
  /**
   * Stop early: after the command `waitFor` names (`--skip-non-blocking-commands`),
   * or after updateContentCommand, rerunning it even if it ran before, for
   * prebuilt images (`--prebuild`).
   */
  stopAfter?: 'waitFor' | 'prebuild';
  /**
   * Called once the command that `waitFor` names has finished (at once when
   * it has nothing to run), so a caller can attach while the rest runs.
   */
  onWaitForReached?: () => void;
  /**
   * Runs after postCreateCommand and before postStartCommand, where the
   * reference CLI installs dotfiles, unless the run stopped at `waitFor` first.
   */
  afterPostCreate?: () => Promise<void>;
}

/**
 * Runs the container-side lifecycle commands that are due, in the spec's
 * order. onCreate, updateContent and postCreate run once per container,
 * recorded by a marker file in it (with a copy on the host that spares the
 * lookup on warm runs). postStart runs once per container start,
 * identified by the start time. postAttach runs on every call. A failure
 * stops the commands after it.
 */
export async function runDueLifecycleCommands(
  context: LifecycleContext,
  merged: MergedMetadata,
  options: DueCommandsOptions,
): Promise<void> {
  const waitFor = options.stopAfter === 'prebuild' ? 'updateContentCommand' : (merged.waitFor ?? 'updateContentCommand');
  let reached = false;
  const reach = (name: NonNullable<DevContainerConfig['waitFor']>) => {
    if (!reached && name === waitFor) {
      reached = true;
      options.onWaitForReached?.();
    }
    return reached && options.stopAfter !== undefined;
  };
  if (reach('initializeCommand')) return;

  const hasPostStart = merged.lifecycle.postStartCommand.length > 0;
  const hasPostAttach = !options.skipPostAttach && merged.lifecycle.postAttachCommand.length > 0;
  const startMarker = postStartMarker(context.startedAt);
  const due = dueMarkers(merged, context.startedAt);
  const cache = new MarkerCache(context.containerId);
  const markers = await cache.read();
  if (due.some((name) => !markers.has(name))) {
    for (const name of await readMarkers(context)) markers.add(name);
  }
  if (due.some((name) => !markers.has(name))) {
    for (const name of await readReferenceMarkers(context)) markers.add(name);
  }
  const record = async (name: string) => {
    await writeMarker(context, name);
    markers.add(name);
    await cache.write(markers);
  };

  for (const name of onceCommands) {
    const rerun = options.stopAfter === 'prebuild' && name === 'updateContentCommand';
    if (merged.lifecycle[name].length > 0 && (rerun || !markers.has(name))) {
      await runLifecycleCommand(context, name, merged.lifecycle[name]);
      await record(name);
    }
    if (reach(name)) return;
  }
  await options.afterPostCreate?.();

  if (hasPostStart && !markers.has(startMarker)) {
    await runLifecycleCommand(context, 'postStartCommand', merged.lifecycle.postStartCommand);
    await record(startMarker);
  }
  await cache.write(markers);
  if (reach('postStartCommand')) return;

  if (hasPostAttach) {
    await runLifecycleCommand(context, 'postAttachCommand', merged.lifecycle.postAttachCommand);
  }
  reach('postAttachCommand');
  if (!reached) {
    options.onWaitForReached?.();
  }
}


/**
 * Returns the markers of commands that the reference Dev Containers CLI
 * (0.89) already ran in this container. It writes
 * `~/.devcontainer/.<command>Marker` in the remote user's home, holding the
 * container's `Created` time for the once-only commands and `State.StartedAt`
 * for postStartCommand, and reruns a command when the content differs.
 */
// NOTE: the reference CLI writes the markers as the container user, so they
// are found here only when the remote user has the same home folder.
async function readReferenceMarkers(context: LifecycleContext): Promise<string[]> {
  const names = [...onceCommands, 'postStartCommand'];
  const script = 'for name in "$@"; do printf "%s=%s\\n" "$name" "$(cat "$HOME/.devcontainer/.${name}Marker" 2>/dev/null)"; done';
  const result = await execCapture(context.engine, context.containerId, {
    cmd: ['/bin/sh', '-c', script, '-', ...names],
    user: context.remoteUser,
  });
  if (result.exitCode !== 0) return [];
  const created = (await inspectContainer(context.engine, context.containerId)).Created;
  const found: string[] = [];
  for (const line of result.stdout.split('\n')) {
    const equals = line.indexOf('=');
    const name = line.slice(0, equals);
    const content = line.slice(equals + 1).trim();
    if (equals <= 0 || content === '') continue;
    if (name === 'postStartCommand') {
      if (content === context.startedAt) found.push(postStartMarker(context.startedAt));
    } else if (content === created) {
      found.push(name);
    }
  }
  return found;
}
