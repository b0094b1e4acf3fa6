import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import sessionShellScript from './session-shell.sh';
import type { SshTarget } from './target';

/**
 * A session process started before its request arrived, waiting for the
 * request's variables on the first line of stdin (session-shell.sh). It saves
 * the engine's exec start, tens of milliseconds, because the proxy starts it
 * during the SSH handshake.
 */
export interface SpareShell {
  execId: string;
  /** The exec's attached stream, stdout and stderr multiplexed. */
  stream: Duplex;
  sessionId: string;
  /** Reads the exit code once the stream has ended. */
  exitCode(): Promise<number>;
}

/** Returns the exec settings of a spare shell, which an engine client creates and starts with stdin attached and no TTY. */
export function spareShellExec(target: Omit<SshTarget, 'engine'>): { sessionId: string; cmd: string[]; user: string; workingDir: string; env: Record<string, string> } {
  const sessionId = randomBytes(8).toString('hex');
  return {
    sessionId,
    cmd: ['/bin/sh', '-c', sessionShellScript],
    user: target.remoteUser,
    workingDir: target.workspaceFolder,
    env: { ...target.remoteEnv, DEVCONTAINER_SSH_SESSION: sessionId, DEVCONTAINER_SSH_SPARE: '1' },
  };
}

/**
 * Returns true when a spare shell can run the request as a new exec would:
 * an exec or shell request without a pty (the spare shell has none), whose
 * variables contain no NUL byte, which a shell variable cannot hold.
 */
export function canUseSpareShell(options: { argv?: string[]; pty?: unknown; command?: string; env: Record<string, string> }): boolean {
  if (options.argv !== undefined || options.pty !== undefined) {
    return false;
  }
  const values = [...Object.values(options.env), options.command ?? ''];
  return !values.some((value) => value.includes('\0'));
}

/**
 * Returns the line of shell code that session-shell.sh evaluates: an `export`
 * of each variable, each value in single quotes, with newlines written as
 * `$nl` so the code stays on one line. Names passed acceptsEnvName, so they
 * need no quoting.
 */
export function spareShellExports(env: Record<string, string>, command: string | undefined): string {
  const variables = { ...env, ...(command === undefined ? {} : { DEVCONTAINER_SSH_COMMAND: command }) };
  const assignments = Object.entries(variables).map(([name, value]) => `${name}=${quoteForShell(value)}`);
  return assignments.length === 0 ? ':' : `export ${assignments.join(' ')}`;
}

function quoteForShell(value: string): string {
  return `'${value.replace(/'/g, "'\\''").replace(/\n/g, "'\"$nl\"'")}'`;
}
