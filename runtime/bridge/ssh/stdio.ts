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
  const duplex = Duplex.from({ readable: process.stdin, writable });
  // A client that was killed leaves a closed pipe, and writing to it fails
  // with EPIPE. Without these handlers that error would crash the process
  // before the connection's processes are hung up. Closing the duplex ends
  // the connection as the client's leaving does.
  const onError = () => duplex.destroy();
  // The CLI's handler for a broken stdout (processGuards.ts) exits at once,
  // which here would skip hanging up the connection's processes.
  stdout.removeAllListeners('error');
  stdout.on('error', onError);
  process.stdin.on('error', onError);
  // Destroying the duplex before its streams ended (the proxy closes it when
  // it stops early, say on a missing host key) emits an AbortError, which
  // is expected and has no one else to handle it before ssh2 takes the stream.
  duplex.on('error', () => undefined);
  return duplex;
}
