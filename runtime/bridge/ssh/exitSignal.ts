/**
 * Linux signal numbers of the signal names RFC 4254 (section 6.10) defines
 * for `exit-signal`.
 */
const rfcSignals: Record<number, string> = {
  1: 'HUP',
  2: 'INT',
  3: 'QUIT',
  4: 'ILL',
  6: 'ABRT',
  8: 'FPE',
  9: 'KILL',
  10: 'USR1',
  11: 'SEGV',
  12: 'USR2',
  13: 'PIPE',
  14: 'ALRM',
  15: 'TERM',
};

/**
 * Returns the signal name for an exec's exit code of 128 + N, the code the
 * engine reports for a process that signal N ended, else undefined.
 */
// NOTE: the engine reports the same code for a process that called
// `exit 143` itself, which sshd would pass on as exit-status 143.
export function signalOfExitCode(exitCode: number): string | undefined {
  return exitCode > 128 ? rfcSignals[exitCode - 128] : undefined;
}
