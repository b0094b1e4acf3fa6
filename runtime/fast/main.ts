// Entry point of dist/cli.js. It serves warm runs, `up` on a running
// container with nothing left to do and `exec` with the configuration and
// user environment cached, from a small bundle without yargs, dockerode or
// the schema validator. Every other run, and every warm run that finds
// something unexpected before it has printed or started anything, loads the
// full CLI (dist/cli-full.js).
import * as path from 'node:path';
import { parseWarmExec, parseWarmUp } from './arguments';
import { socketPathOf } from './engine';
import { warmExec } from './exec';
import { warmUp } from './up';
import { currentFolderProblem, exitQuietlyOnBrokenPipe } from '../cli/processGuards';
import { requireWithCodeCache } from '../bridge/ssh/codeCache';

/**
 * DEVCONTAINER_OPEN_FAST_PATH: unset to use the warm path where it applies,
 * `off` to always run the full CLI, `report` to also print on stderr which
 * path ran and why (for tests and diagnosis).
 */
const mode = process.env.DEVCONTAINER_OPEN_FAST_PATH ?? '';

function report(message: string): void {
  if (mode === 'report') process.stderr.write(`fast path: ${message}\n`);
}

/** Starts the warm path for these arguments, or returns undefined when it does not apply. */
function startWarmPath(argv: string[]): Promise<number> | undefined {
  const socketPath = socketPathOf(process.env);
  if (mode === 'off' || socketPath === undefined) {
    return undefined;
  }
  if (argv[0] === 'up') {
    const options = parseWarmUp(argv.slice(1));
    return options && warmUp(options, socketPath);
  }
  if (argv[0] === 'exec') {
    const options = parseWarmExec(argv.slice(1));
    return options && warmExec(options, socketPath);
  }
  if (argv[0] === 'ssh-proxy') {
    // dist/cli-ssh.js is a bundle of its own, so `up` and `exec` do not load ssh2. Failing to load it falls back too.
    const bundle = () => requireWithCodeCache(path.join(__dirname, 'cli-ssh.js')) as typeof import('../bridge/ssh/warm');
    return Promise.resolve().then(() => bundle().warmSshProxy(argv.slice(1), socketPath));
  }
  return undefined;
}

function runFullCli(reason: string): void {
  report(`full CLI (${reason})`);
  // A runtime path, so esbuild leaves the full CLI in its own file.
  require(path.join(__dirname, 'cli-full.js'));
}

exitQuietlyOnBrokenPipe();
const folderProblem = currentFolderProblem();
if (folderProblem !== undefined) {
  process.stderr.write(`${folderProblem}\n`);
  process.exit(1);
}

const warm = startWarmPath(process.argv.slice(2));
if (warm === undefined) {
  runFullCli('arguments or engine address outside the warm path');
} else {
  warm.then(
    (exitCode) => {
      report('taken');
      process.exitCode = exitCode;
    },
    (error: unknown) => runFullCli(error instanceof Error ? error.message : String(error)),
  );
}
