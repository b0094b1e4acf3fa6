import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Engine } from '../engine/client';
import { packBuildContext } from '../engine/buildContext';
import { buildImage } from '../engine/images';
import { type MetadataEntry, mergeMetadata } from '../config/metadata';
import type { LoadedConfig } from '../config/types';
import { createTempFolder } from '../tempFolder';
import { imageNameFor, type PreparedImage } from './image';
import updateUidScript from './update-uid.sh';

export interface UpdateUidOptions {
  engine: Engine;
  loaded: LoadedConfig;
  image: PreparedImage;
  /** Metadata including devcontainer.json's entry, which decides the remote user. */
  metadata: MetadataEntry[];
  /** The host user's ids; default the running process's. */
  hostUid?: number;
  hostGid?: number;
  signal?: AbortSignal;
}

/**
 * Implements `updateRemoteUserUID` (default true on Linux hosts): builds a
 * layer on the image that gives the remote user the host user's UID and GID.
 * Skipped for root on either side, because root's files are root's in both
 * places, and when the setting is false.
 */
export async function updateRemoteUserUid(options: UpdateUidOptions): Promise<PreparedImage> {
  const { engine, image } = options;
  const merged = mergeMetadata(options.metadata);
  const uid = options.hostUid ?? process.getuid?.();
  const gid = options.hostGid ?? process.getgid?.();
  const user = merged.remoteUser ?? merged.containerUser ?? (image.details.user || 'root');
  const userName = user.split(':')[0];

  const skip =
    process.platform !== 'linux' ||
    merged.updateRemoteUserUID === false ||
    uid === undefined ||
    gid === undefined ||
    uid === 0 ||
    userName === 'root' ||
    /^\d+$/.test(userName);
  if (skip) {
    return image;
  }

  engine.logger.child('image').info(`Updating the UID of ${userName} to ${uid}:${gid}`);
  const context = await createTempFolder('devcontainer-uid-');
  try {
    await fs.writeFile(path.join(context.path, 'update-uid.sh'), updateUidScript, { mode: 0o755 });
    const dockerfile = [
      `FROM ${image.details.id}`,
      'USER root',
      'COPY update-uid.sh /tmp/devcontainer-update-uid.sh',
      'ARG REMOTE_USER',
      'ARG NEW_UID',
      'ARG NEW_GID',
      'RUN sh /tmp/devcontainer-update-uid.sh && rm -f /tmp/devcontainer-update-uid.sh',
      `USER ${image.details.user || 'root'}`,
      '',
    ].join('\n');
    const tag = `${imageNameFor(options.loaded)}-uid`;
    const details = await buildImage(engine, {
      context: await packBuildContext({ contextFolder: context.path, dockerfileText: dockerfile, dockerfileName: 'Dockerfile' }),
      dockerfile: 'Dockerfile',
      tag,
      buildArgs: { REMOTE_USER: userName, NEW_UID: String(uid), NEW_GID: String(gid) },
      signal: options.signal,
    });
    return { ...image, name: tag, details };
  } finally {
    await context.remove();
  }
}
