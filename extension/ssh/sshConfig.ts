/**
 * Text edits on OpenSSH client configuration files (ssh_config(5)). Every
 * edit is a block between two marker lines, so it can be found, replaced and
 * removed again while each byte outside it stays as it was.
 */

const markerName = 'open-devcontainers';

/** An invalid value for an ssh_config line, or a file whose markers do not pair up. */
export class SshConfigError extends Error {
  override readonly name = 'SshConfigError';
}

export type SshPlatform = 'posix' | 'win32';

/** Returns the first and last line of a marked block. `name` distinguishes the blocks of one file. */
export function blockMarkers(name?: string): { start: string; end: string } {
  const label = name ? `${markerName} ${name}` : markerName;
  return { start: `# >>> ${label} >>>`, end: `# <<< ${label} <<<` };
}

interface Line {
  /** Line text without its terminator. */
  text: string;
  start: number;
  /** Offset just past the line terminator, or the end of the text. */
  end: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    const content = text.slice(start, newline === -1 ? text.length : newline);
    lines.push({ text: content.endsWith('\r') ? content.slice(0, -1) : content, start, end });
    start = end;
  }
  return lines;
}

/** Returns the byte range of the marked block, including its last line's terminator. */
export function findBlock(text: string, name?: string): { start: number; end: number } | undefined {
  const markers = blockMarkers(name);
  const lines = splitLines(text);
  const first = lines.findIndex((line) => line.text === markers.start);
  if (first === -1) {
    return undefined;
  }
  const last = lines.findIndex((line, index) => index > first && line.text === markers.end);
  if (last === -1) {
    throw new SshConfigError(
      `The line "${markers.start}" has no matching "${markers.end}" line after it. Remove the unpaired line, then try again.`,
    );
  }
  return { start: lines[first].start, end: lines[last].end };
}

/** Returns the line terminator the text already uses: CRLF when its first line ends with one. */
function lineEndingOf(text: string): string {
  const newline = text.indexOf('\n');
  return newline > 0 && text[newline - 1] === '\r' ? '\r\n' : '\n';
}

/** Builds a marked block from its lines, each line ending with `eol`. */
function renderBlock(name: string | undefined, bodyLines: string[], eol: string): string {
  const markers = blockMarkers(name);
  return [markers.start, ...bodyLines, markers.end].map((line) => line + eol).join('');
}

export type BlockPlacement = 'top' | 'end';

/**
 * Returns `text` with the marked block set to `bodyLines`. An existing block
 * is replaced where it is; a new one goes at the top or the end. At the top
 * the block's lines come right before the first byte of the old text, so
 * `removeBlock` gives back the old text exactly.
 */
export function upsertBlock(text: string, name: string | undefined, bodyLines: string[], placement: BlockPlacement): string {
  const eol = lineEndingOf(text);
  const block = renderBlock(name, bodyLines, eol);
  const existing = findBlock(text, name);
  if (existing) {
    return text.slice(0, existing.start) + block + text.slice(existing.end);
  }

  if (placement === 'top') {
    return block + text;
  }
  const separator = text.length > 0 && !text.endsWith('\n') ? eol : '';
  return text + separator + block;
}

/** Returns `text` without the marked block, or `text` itself when there is none. */
export function removeBlock(text: string, name?: string): string {
  const existing = findBlock(text, name);
  return existing ? text.slice(0, existing.start) + text.slice(existing.end) : text;
}

/** Rejects line breaks and other control characters, which would end or corrupt an ssh_config line. */
function rejectControlCharacters(value: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new SshConfigError(
      `The ${what} ${JSON.stringify(value)} contains a line break or another control character, which an SSH config line cannot hold. Use a ${what} without one.`,
    );
  }
}

/**
 * Quotes a path for a keyword that takes a file name (`Include`,
 * `UserKnownHostsFile`). OpenSSH 8.7 and later read `\"` and `\\` inside
 * double quotes as escapes. On Windows, backslashes become slashes, which
 * OpenSSH for Windows accepts and which need no escape.
 */
export function quoteConfigPath(value: string, what: string, platform: SshPlatform): string {
  rejectControlCharacters(value, what);
  if (platform === 'win32') {
    if (value.includes('"')) {
      throw new SshConfigError(`The ${what} ${JSON.stringify(value)} contains a double quote, which a Windows path cannot contain.`);
    }
    return `"${value.replace(/\\/g, '/')}"`;
  }
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

/**
 * Escapes `%` for keywords whose values ssh expands `%` tokens in
 * (`ProxyCommand`, `UserKnownHostsFile`), so `%%` reaches the command as `%`.
 */
export function escapePercent(value: string): string {
  return value.replace(/%/g, '%%');
}

/**
 * Quotes one word of a `ProxyCommand`. ssh runs the command with `$SHELL -c`
 * on Linux and macOS, so a word is quoted for a POSIX shell: inside double
 * quotes, `\`, `"`, `$` and backtick get a backslash. On Windows the command
 * line is split by the C runtime, where double quotes group a word and a
 * path cannot contain one. `%` is doubled on both (see escapePercent).
 */
export function quoteProxyCommandWord(value: string, what: string, platform: SshPlatform): string {
  rejectControlCharacters(value, what);
  if (platform === 'win32') {
    if (value.includes('"')) {
      throw new SshConfigError(`The ${what} ${JSON.stringify(value)} contains a double quote, which a Windows path cannot contain.`);
    }
    return escapePercent(`"${value}"`);
  }
  return escapePercent(`"${value.replace(/[\\"$`]/g, (character) => `\\${character}`)}"`);
}

/** Checks a user name for the `User` keyword and returns it, quoted when it has a space. */
export function formatUserName(value: string): string {
  rejectControlCharacters(value, 'remote user');
  if (value === '' || /["\\]/.test(value)) {
    throw new SshConfigError(
      `The remote user ${JSON.stringify(value)} cannot be written to an SSH config file. Set a remoteUser without quotes or backslashes in devcontainer.json.`,
    );
  }
  return /\s/.test(value) ? `"${value}"` : value;
}

/** The program that the ProxyCommand runs the runtime's CLI with. */
export interface ProxyLauncher {
  /** A `node` binary, or the editor's executable when it runs as node through ELECTRON_RUN_AS_NODE. */
  executable: string;
  runAsNode: boolean;
}

export interface HostEntryOptions {
  alias: string;
  remoteUser: string;
  launcher: ProxyLauncher;
  /** Path of the runtime's CLI, `<extension>/dist/cli.js`. */
  cliPath: string;
  workspaceFolder: string;
  configFile?: string;
  knownHostsFile: string;
  platform: SshPlatform;
}

/**
 * Returns the ProxyCommand value that starts the runtime's `ssh-proxy`
 * command, which serves SSH over its stdin and stdout for the workspace's
 * container.
 */
export function proxyCommandOf(options: HostEntryOptions): string {
  const { platform } = options;
  const words: string[] = [];
  if (options.launcher.runAsNode) {
    if (platform === 'win32') {
      throw new SshConfigError(
        'No node binary was found on PATH. On Windows the SSH hand-off needs Node.js 20 or later on PATH: install it, then restart the editor.',
      );
    }
    // env sets the variable for the one command, which a plain POSIX shell
    // prefix would do too, but env also works when $SHELL is fish or csh.
    words.push('env', 'ELECTRON_RUN_AS_NODE=1');
  }
  words.push(quoteProxyCommandWord(options.launcher.executable, 'node path', platform));
  words.push(quoteProxyCommandWord(options.cliPath, 'extension path', platform));
  words.push('ssh-proxy', '--workspace-folder', quoteProxyCommandWord(options.workspaceFolder, 'workspace folder', platform));
  if (options.configFile) {
    words.push('--config', quoteProxyCommandWord(options.configFile, 'configuration file path', platform));
  }
  return words.join(' ');
}

/** Returns the lines of one `Host` entry for the workspace's container. */
export function hostEntryLines(options: HostEntryOptions): string[] {
  if (!/^[A-Za-z0-9._-]+$/.test(options.alias)) {
    throw new SshConfigError(`The host alias ${JSON.stringify(options.alias)} may contain only letters, digits, ".", "_" and "-".`);
  }
  const knownHosts = quoteConfigPath(options.knownHostsFile, 'known hosts file path', options.platform);

  return [
    `Host ${options.alias}`,
    `  HostName ${options.alias}`,
    `  User ${formatUserName(options.remoteUser)}`,
    `  ProxyCommand ${proxyCommandOf(options)}`,
    `  UserKnownHostsFile ${escapePercent(knownHosts)}`,
    '  StrictHostKeyChecking accept-new',
  ];
}

/**
 * Returns the line that includes our own config file. `Include` expands
 * glob(7) wildcards, so a path that has one is rejected rather than matched
 * against other files.
 */
export function includeLine(file: string, platform: SshPlatform): string {
  if (/[*?[\]]/.test(file)) {
    throw new SshConfigError(
      `The SSH config path ${JSON.stringify(file)} contains a wildcard character (*, ? or [), which Include would expand as a pattern. Use the resolver attach mode, or a home folder whose path has none of these characters.`,
    );
  }
  return `Include ${quoteConfigPath(file, 'SSH config path', platform)}`;
}
