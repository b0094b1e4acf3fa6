import { spawn } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { execCapture } from '../engine/exec';
import { EnvironmentError } from '../errors';
import type { Logger } from '../log';
import { type ContainerUser, writeContainerFile } from './containerFiles';
import helperSource from './relay/git-credential.in-container.js';
import type { RelaySocket } from './relay/host';

/** Name of the relay socket that git credential requests use. */
export const gitCredentialSocketName = 'git-credential';

/** The `git credential` operation on the host for each helper action in the container. */
const hostOperations: Record<string, string> = { get: 'fill', store: 'approve', erase: 'reject' };

/** Bytes of a credential request accepted from the container. */
const maxRequestLength = 64 * 1024;

export interface HostGitOptions {
  /** The host's git; default `git` from PATH. */
  git?: string;
  /** Environment of the host's git; default this process's. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Handles credential requests from the container's helper with the host's
 * `git credential fill|approve|reject`. Terminal prompts are off, so a
 * request that no host helper can answer gets an empty reply instead of
 * waiting for input. Credential values are never logged.
 */
export function gitCredentialSocket(options: HostGitOptions, logger: Logger): RelaySocket {
  return {
    name: gitCredentialSocketName,
    onConnection(stream: Duplex) {
      void answerCredentialRequest(stream, options, logger).catch((error: unknown) => {
        logger.warn(`Handling a git credential request from the container failed: ${(error as Error).message}`);
        stream.destroy();
      });
    },
  };
}

async function answerCredentialRequest(stream: Duplex, options: HostGitOptions, logger: Logger): Promise<void> {
  const request = await readAll(stream, maxRequestLength);
  const newline = request.indexOf('\n');
  const action = newline < 0 ? request : request.slice(0, newline);
  const operation = hostOperations[action];
  if (operation === undefined) {
    logger.debug(`Ignored a git credential request with unknown action "${action.slice(0, 20)}"`);
    stream.end();
    return;
  }

  const attributes = request.slice(newline + 1);
  const result = await runHostGit(options, ['credential', operation], attributes);
  logger.debug(`git credential ${operation} for ${describeTarget(attributes)} on the host exited with ${result.exitCode}`);
  // `fill` fails when no host helper has the credential, and the container's git then prompts the user.
  stream.end(result.exitCode === 0 && operation === 'fill' ? result.stdout : '');
}

/** Returns `protocol://host` of a credential request, which contains no secret, for logs. */
export function describeTarget(attributes: string): string {
  const values = new Map<string, string>();
  for (const line of attributes.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) values.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return `${values.get('protocol') ?? '?'}://${values.get('host') ?? '?'}`;
}

function readAll(stream: Duplex, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        reject(new Error(`the request is longer than ${limit} bytes`));
        stream.destroy();
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

function runHostGit(options: HostGitOptions, args: string[], input: string): Promise<{ exitCode: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.git ?? 'git', args, {
      env: { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const stdout: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout: Buffer.concat(stdout).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Quotes a value for a POSIX shell command line. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Returns the `credential.helper` value that runs the helper with node. Git
 * runs a value that starts with `!` through the shell and appends the
 * action. When the helper file is missing because the relay ended, it prints nothing.
 */
export function credentialHelperValue(node: string, helperFile: string): string {
  const file = shellQuote(helperFile);
  return `!f() { test -f ${file} || exit 0; exec ${shellQuote(node)} ${file} "$@"; }; f`;
}

export interface InstallCredentialHelperOptions {
  target: ContainerUser;
  node: string;
  /** The relay's private folder in the container; the helper file goes there. */
  relayFolder: string;
  logger: Logger;
}

// Replaces the helper entries of earlier attaches (their value contains
// the relay folder prefix) and leaves every other entry in ~/.gitconfig.
const configureScript = [
  'command -v git > /dev/null 2>&1 || { echo no-git; exit 0; }',
  'git config --global --unset-all credential.helper devcontainer-relay- || [ $? -eq 5 ]',
  'git config --global --add credential.helper "$DEVCONTAINER_CREDENTIAL_HELPER"',
].join('\n');

/**
 * Writes the credential helper into the relay's folder and adds it to the
 * remote user's `credential.helper` entries in ~/.gitconfig. Returns false
 * when the container has no git.
 */
export async function installCredentialHelper(options: InstallCredentialHelperOptions): Promise<boolean> {
  const { target } = options;
  const helperFile = `${options.relayFolder}/git-credential.js`;
  await writeContainerFile(target, helperFile, helperSource, '600');

  const result = await execCapture(target.engine, target.containerId, {
    cmd: ['/bin/sh', '-c', configureScript],
    user: target.user,
    env: { DEVCONTAINER_CREDENTIAL_HELPER: credentialHelperValue(options.node, helperFile) },
    signal: target.signal,
  });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Setting credential.helper for user "${target.user}" in container ${target.containerId.slice(0, 12)} failed ` +
        `with exit code ${result.exitCode}: ${result.stderr.trim()}. Check that ~/.gitconfig is writable.`,
      { containerId: target.containerId, status: result.exitCode, outputTail: result.stderr.trim() },
    );
  }
  if (result.stdout.trim() === 'no-git') {
    options.logger.debug('The container has no git; no credential helper installed');
    return false;
  }
  options.logger.debug(`Installed the git credential helper for user "${target.user}"`);
  return true;
}
