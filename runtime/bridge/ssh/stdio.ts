import { Duplex, Writable } from 'node:stream';

/**
 * Takes this process's stdin and stdout for the SSH stream and returns them
 * as one duplex. From then on `process.stdout.write` (and so console.log)
 * goes to stderr, because a stray byte on stdout would break the SSH
 * protocol for the client.
 */
export function claimStdio(): Duplex {
  const stdout = process.stdout;
  const writeToStdout = stdout.write.bind(stdout) as (chunk: Buffer, callback: (error?: Error | null) => void) => boolean;
  const endStdout = stdout.end.bind(stdout) as () => void;

  stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, ...rest)) as typeof stdout.write;

  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writeToStdout(chunk, (error) => callback(error ?? null));
    },
    final(callback) {
      endStdout();
      callback();
    },
  });
  return Duplex.from({ readable: process.stdin, writable });
}
