import type Dockerode from 'dockerode';
import { EnvironmentError } from '../errors';
import { type Engine, engineError } from './client';

export interface ContainerSummary {
  id: string;
  state: string;
  labels: Record<string, string>;
}

/** Finds the container (running or not) whose labels match all of `labels`. */
export async function findContainer(
  engine: Engine,
  labels: Record<string, string>,
): Promise<ContainerSummary | undefined> {
  const filters = { label: Object.entries(labels).map(([name, value]) => `${name}=${value}`) };
  engine.logger.debug('GET /containers/json');
  let found: Dockerode.ContainerInfo[];
  try {
    found = await engine.docker.listContainers({ all: true, filters });
  } catch (error) {
    throw engineError(engine, 'Listing containers', error);
  }
  // Most recent first, so a leftover older container never wins.
  found.sort((a, b) => b.Created - a.Created);
  const first = found[0];
  return first ? { id: first.Id, state: first.State, labels: first.Labels ?? {} } : undefined;
}

export async function createContainer(engine: Engine, options: Dockerode.ContainerCreateOptions): Promise<string> {
  engine.logger.debug('POST /containers/create');
  try {
    const container = await engine.docker.createContainer(options);
    return container.id;
  } catch (error) {
    throw engineError(engine, `Creating a container from ${options.Image}`, error, options.Image);
  }
}

export async function startContainer(engine: Engine, id: string): Promise<void> {
  engine.logger.debug(`POST /containers/${id.slice(0, 12)}/start`);
  try {
    await engine.docker.getContainer(id).start();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 304) {
      return;
    }
    throw engineError(engine, `Starting container ${id.slice(0, 12)}`, error, id);
  }
}

export async function stopContainer(engine: Engine, id: string): Promise<void> {
  engine.logger.debug(`POST /containers/${id.slice(0, 12)}/stop`);
  try {
    await engine.docker.getContainer(id).stop({ t: 5 });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 304) {
      return;
    }
    throw engineError(engine, `Stopping container ${id.slice(0, 12)}`, error, id);
  }
}

/** Removes a container, running or not; `anonymousVolumes` also removes its unnamed volumes. */
export async function removeContainer(engine: Engine, id: string, options: { anonymousVolumes?: boolean } = {}): Promise<void> {
  engine.logger.debug(`DELETE /containers/${id.slice(0, 12)}`);
  try {
    await engine.docker.getContainer(id).remove({ force: true, v: options.anonymousVolumes ?? false });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      return;
    }
    throw engineError(engine, `Removing container ${id.slice(0, 12)}`, error, id);
  }
}

export async function inspectContainer(engine: Engine, id: string): Promise<Dockerode.ContainerInspectInfo> {
  engine.logger.debug(`GET /containers/${id.slice(0, 12)}/json`);
  try {
    return await engine.docker.getContainer(id).inspect();
  } catch (error) {
    throw engineError(engine, `Inspecting container ${id.slice(0, 12)}`, error, id);
  }
}

/** Reads the last lines of a container's output, for error messages. */
export async function containerLogTail(engine: Engine, id: string, lines = 20): Promise<string> {
  try {
    const buffer = (await engine.docker
      .getContainer(id)
      .logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demuxBuffer(buffer);
  } catch {
    return '';
  }
}

/** Strips the 8-byte frame headers of a multiplexed (non-TTY) log buffer. */
function demuxBuffer(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Starts a container and checks it stays up; an entrypoint that exits at
 * once is reported with its exit code and last output lines.
 */
export async function startAndCheck(engine: Engine, id: string): Promise<void> {
  await startContainer(engine, id);
  const info = await inspectContainer(engine, id);
  if (!info.State.Running) {
    const tail = await containerLogTail(engine, id);
    throw new EnvironmentError(
      `The container exited right after it started (exit code ${info.State.ExitCode}). ` +
        'Check the image entrypoint and command, or set "overrideCommand": true.' +
        (tail ? `\n${tail}` : ''),
      { endpoint: engine.endpoint, objectId: id, status: info.State.ExitCode, outputTail: tail },
    );
  }
}
