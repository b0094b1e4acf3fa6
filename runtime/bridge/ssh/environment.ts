/**
 * Variables an `env` request may not set. The session sets them itself: the
 * login shell script sets SHELL, USER and LOGNAME, the engine sets HOME, and
 * remoteEnv and the probe set PATH. TERM comes from `pty-req`, and the
 * host's MAIL would be wrong in the container.
 */
const reservedNames = new Set(['HOME', 'PATH', 'SHELL', 'USER', 'LOGNAME', 'MAIL', 'TERM']);

/** Prefixes of names an `env` request may not set: sshd's own and the runtime's. */
const reservedPrefixes = ['SSH_', 'DEVCONTAINER_', 'LD_'];

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Returns true when an `env` request may set the variable. Any valid name
 * is accepted (LANG and LC_* as OpenSSH's SendEnv sends them, and any other a
 * client sends) except the reserved ones above.
 */
export function acceptsEnvName(name: string): boolean {
  if (!namePattern.test(name) || reservedNames.has(name)) {
    return false;
  }
  return !reservedPrefixes.some((prefix) => name.startsWith(prefix));
}
