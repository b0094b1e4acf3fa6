// Splitting of `exec` arguments, kept apart from the option parser so the
// CLI's warm path can use it without loading yargs.

/** Options of `exec` that take a value; everything after them is the command. */
export const execValueOptions = new Set([
  '--workspace-folder',
  '--config',
  '--log-level',
  '--log-format',
  '--docker-path',
  '--docker-compose-path',
  '--remote-env',
  '--container-id',
  '--id-label',
  '--user-data-folder',
  '--container-data-folder',
  '--container-system-data-folder',
  '--container-session-data-folder',
  '--terminal-columns',
  '--terminal-rows',
  '--default-user-env-probe',
]);

/** Boolean options of `exec` that may take an explicit `true` or `false`, as yargs reads them. */
export const execBooleanOptions = new Set(['--mount-workspace-git-root']);

/**
 * Splits `exec` arguments into our options and the command, which starts at
 * the first word that is not an option, so the command's own flags (such as
 * `sh -c`) are passed through untouched.
 */
export function splitExecArguments(argv: string[]): { options: string[]; command: string[] } {
  let index = 0;
  while (index < argv.length) {
    const word = argv[index];
    if (word === '--') {
      return { options: argv.slice(0, index), command: argv.slice(index + 1) };
    }
    if (!word.startsWith('-')) {
      break;
    }
    const explicitBoolean = execBooleanOptions.has(word) && (argv[index + 1] === 'true' || argv[index + 1] === 'false');
    index += execValueOptions.has(word) || explicitBoolean ? 2 : 1;
  }
  return { options: argv.slice(0, index), command: argv.slice(index) };
}
