import { Writable } from 'node:stream';
import { EnvironmentError } from '../errors';
import type { LifecycleCommand } from '../config/types';
import type { Logger } from '../log';

export interface CommandPartsOptions {
  /** Lifecycle property name, such as `postCreateCommand`. */
  name: string;
  /** Source of the command, such as `devcontainer.json`. */
  origin: string;
  command: LifecycleCommand;
  logger: Logger;
  /** Runs one argv with both output streams going to `output`; resolves with the exit code. */
  runPart(argv: string[], output: Writable): Promise<number>;
}

/**
 * Runs a lifecycle command in any of the spec's forms: a string through
 * `/bin/sh -c`, an array as argv without a shell, an object as named
 * commands in parallel. Each line of output is logged with the command's
 * label, so parallel output stays apart.
 */
export async function runCommandParts(options: CommandPartsOptions): Promise<void> {
  const { command } = options;
  if (typeof command === 'string' || Array.isArray(command)) {
    await runPart(options, options.name, command);
    return;
  }
  const results = await Promise.allSettled(
    Object.entries(command).map(([label, part]) => runPart(options, `${options.name}:${label}`, part)),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    throw failed.reason;
  }
}

async function runPart(options: CommandPartsOptions, label: string, command: string | string[]): Promise<void> {
  const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
  if (argv.length === 0) {
    return;
  }
  const logger = options.logger;
  // The command line is not logged: after substitution it can contain values from
  // ${localEnv:...} or ${containerEnv:...}, such as tokens.
  logger.info(`Running ${label} from ${options.origin}`);

  const tail: string[] = [];
  const output = lineWriter((line) => {
    logger.info(`${label}: ${line}`);
    tail.push(line);
    if (tail.length > 20) tail.shift();
  });
  const started = Date.now();
  const exitCode = await options.runPart(argv, output);
  // Flushes a last line that had no newline.
  await new Promise<void>((resolve) => output.end(resolve));

  if (exitCode !== 0) {
    throw new EnvironmentError(
      `The ${label} from ${options.origin} failed with exit code ${exitCode}. ` +
        'Later lifecycle commands were skipped; fix the command and run `up` again, which reruns what did not finish.' +
        (tail.length > 0 ? `\nLast output:\n${tail.join('\n')}` : ''),
      { status: exitCode, outputTail: tail.join('\n') },
    );
  }
  logger.info(`${label} finished in ${Date.now() - started} ms`);
}

/** Creates a writable that calls `onLine` for each complete line written to it. */
export function lineWriter(onLine: (line: string) => void): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
      callback();
    },
    final(callback) {
      if (pending.length > 0) onLine(pending);
      callback();
    },
  });
}

