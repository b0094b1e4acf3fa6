import { execCapture } from '../../engine/exec';
import { EnvironmentError } from '../../errors';
import { ensureHelperBinary, helperFolder } from './helperBinary';
import type { SshTarget } from './target';
import findSftpServerScript from './find-sftp-server.sh';

/**
 * Paths of OpenSSH's sftp-server as distributions package it: Debian and
 * Ubuntu (/usr/lib/openssh), Alpine and Arch (/usr/lib/ssh), Fedora
 * (/usr/libexec/openssh), and two other common places.
 */
const containerSftpServers = [
  '/usr/lib/openssh/sftp-server',
  '/usr/lib/ssh/sftp-server',
  '/usr/lib/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/libexec/sftp-server',
];

/** Debian's sftp-server (package openssh-sftp-server), copied in when the image has none. */
const hostSftpServer = '/usr/lib/openssh/sftp-server';

const sftpServers = new Map<string, Promise<string>>();

/**
 * Returns the path of an SFTP server in the container: the image's own,
 * else the host's copied into the helper folder. Found once per container
 * in this process.
 */
export function sftpServerPath(target: SshTarget): Promise<string> {
  let found = sftpServers.get(target.containerId);
  if (!found) {
    found = findOrInstallSftpServer(target);
    sftpServers.set(target.containerId, found);
    found.catch(() => sftpServers.delete(target.containerId));
  }
  return found;
}

async function findOrInstallSftpServer(target: SshTarget): Promise<string> {
  const candidates = [...containerSftpServers, `${helperFolder}/sftp-server`];
  const result = await execCapture(target.engine, target.containerId, {
    cmd: ['/bin/sh', '-c', findSftpServerScript, 'find-sftp-server', ...candidates],
    user: target.remoteUser,
  });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Looking for an SFTP server in container ${target.containerId.slice(0, 12)} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`,
      { objectId: target.containerId, status: result.exitCode, outputTail: result.stderr },
    );
  }
  const path = result.stdout.trim();
  if (path !== '') {
    return path;
  }
  return ensureHelperBinary(target, {
    name: 'sftp-server',
    source: hostSftpServer,
    purpose: `SFTP needs an sftp-server in the container, which has none in ${containerSftpServers.join(', ')}`,
    hostPackage: 'openssh-sftp-server',
    imageAlternative: 'an SFTP server (package openssh-sftp-server on Debian, Ubuntu and Alpine)',
  });
}
