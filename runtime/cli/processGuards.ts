/** The exit code a shell reports for a process that SIGPIPE ended (128 + 13). */
const brokenPipeExitCode = 141;

/**
 * Makes a closed stdout or stderr (a reader such as `head` that stopped
 * reading) end the process quietly with code 141, as SIGPIPE ends a shell
 * tool, instead of an uncaught EPIPE stack. Other stream errors are raised
 * again, as Node would.
 */
export function exitQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') {
        process.exit(brokenPipeExitCode);
      }
      throw error;
    });
  }
}

/**
 * Returns an error message when the current folder cannot be read (it was
 * deleted while the shell stayed in it), else undefined. Every relative
 * path, and the default `--workspace-folder`, resolves against it, so the
 * CLI stops before any of them is used.
 */
export function currentFolderProblem(): string | undefined {
  try {
    process.cwd();
    return undefined;
  } catch (error) {
    return (
      `The current folder cannot be read (${(error as Error).message}); it was probably deleted. ` +
      'Change to an existing folder and run the command again.'
    );
  }
}
