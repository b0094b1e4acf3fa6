import { spawn } from 'node:child_process';
import { CancelledError } from '../errors';

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Milliseconds before the process is killed; no limit when omitted. */
  timeoutMs?: number;
  /** Called with each complete output line, stdout and stderr alike. */
  onLine?: (line: string) => void;
}

export interface ProcessResult {
  /** Exit code; -1 when the process was killed by a signal or timed out. */
  exitCode: number;
  stdout: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  timedOut: boolean;
}

/** Raised when the executable does not exist or cannot be run. */
export class ExecutableNotFoundError extends Error {
  override readonly name = 'ExecutableNotFoundError';
}

/**
 * Runs a host process without a shell and collects its output. Resolves
 * with the exit code, whatever it is. Rejects with CancelledError when the
 * signal aborts, after killing the process, and with ExecutableNotFoundError
 * when the executable is missing.
 */
export function runHostProcess(executable: string, args: string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  if (options.signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const output: Buffer[] = [];
    const pending = { stdout: '', stderr: '' };
    let timedOut = false;

    const emitLines = (stream: 'stdout' | 'stderr', chunk: Buffer) => {
      output.push(chunk);
      if (stream === 'stdout') stdout.push(chunk);
      const lines = (pending[stream] + chunk.toString('utf8')).split(/\r?\n|\r/);
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') options.onLine?.(line);
    };
    child.stdout.on('data', (chunk: Buffer) => emitLines('stdout', chunk));
    child.stderr.on('data', (chunk: Buffer) => emitLines('stderr', chunk));

    const onAbort = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);

    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT' || error.code === 'EACCES') {
        reject(new ExecutableNotFoundError(`${executable}: ${error.message}`, { cause: error }));
      } else {
        reject(error);
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (pending[stream].trim() !== '') options.onLine?.(pending[stream]);
      }
      if (options.signal?.aborted) {
        reject(new CancelledError());
        return;
      }
      resolve({
        exitCode: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        output: Buffer.concat(output).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** Returns the last `count` non-empty lines of a process's output. */
export function outputTail(output: string, count = 30): string {
  return output
    .split(/\r?\n|\r/)
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}
