import type { Logger } from '../log';
import { execCapture } from '../engine/exec';
import { type ContainerUser, outputTail, readContainerFile, writeContainerFile } from './containerFiles';

export interface InstallExtensionsOptions {
  target: ContainerUser;
  /** Path of the server's CLI launcher in the container, which takes `--install-extension`. */
  serverCli: string;
  /** Extension ids (or .vsix paths in the container) to install. */
  extensions: string[];
  /** The server's data folder name below the remote user's home, for the record of installed extensions. */
  serverDataFolderName: string;
  /** Environment of the install process: the probed user environment and remoteEnv. */
  remoteEnv: Record<string, string>;
  logger: Logger;
}

export interface ExtensionFailure {
  extension: string;
  exitCode: number;
  outputTail: string;
}

/**
 * Returns the path of the record of installed extensions, beside the machine
 * settings. The record lists the ids (lowercase) that earlier attaches
 * installed, so the next attach installs only what the configuration added.
 */
export function installedExtensionsPath(serverDataFolderName: string): string {
  return `~/${serverDataFolderName}/data/Machine/.devcontainer-installed-extensions.json`;
}

/** Returns the extensions of `requested` that the record does not list, compared case-insensitively. */
export function extensionsToInstall(requested: string[], recorded: string[]): string[] {
  const done = new Set(recorded.map((id) => id.toLowerCase()));
  return requested.filter((id) => !done.has(id.toLowerCase()));
}

/**
 * Installs the extensions that an earlier attach did not, all with one run
 * of the server's CLI. When that run fails, each extension is installed on
 * its own to find the ones that fail. A failure is a warning with the
 * extension and the CLI's output, and the attach goes on. Returns the
 * failures.
 */
export async function installExtensions(options: InstallExtensionsOptions): Promise<ExtensionFailure[]> {
  const { target, logger } = options;
  const recordFile = installedExtensionsPath(options.serverDataFolderName);
  const recorded = parseRecord(await readContainerFile(target, recordFile));
  const pending = extensionsToInstall(options.extensions, recorded);
  if (pending.length === 0) {
    logger.debug(`All ${options.extensions.length} extension(s) are installed already`);
    return [];
  }

  const started = Date.now();
  const installed: string[] = [];
  const failures: ExtensionFailure[] = [];
  const together = await runInstall(options, pending);
  if (together.exitCode === 0) {
    installed.push(...pending);
  } else {
    for (const extension of pending) {
      const alone = pending.length === 1 ? together : await runInstall(options, [extension]);
      if (alone.exitCode === 0) {
        installed.push(extension);
      } else {
        failures.push({ extension, exitCode: alone.exitCode, outputTail: outputTail(alone.output, 1500) });
      }
    }
  }

  for (const failure of failures) {
    logger.warn(
      `Installing extension ${failure.extension} failed with exit code ${failure.exitCode}, so it is missing ` +
        `in the container. Check the id in customizations.vscode.extensions. Output of ${options.serverCli}:\n${failure.outputTail}`,
    );
  }
  if (installed.length > 0) {
    const record = [...new Set([...recorded, ...installed.map((id) => id.toLowerCase())])];
    await writeContainerFile(target, recordFile, `${JSON.stringify(record, undefined, 2)}\n`);
    logger.info(`Installed ${installed.length} extension(s) in ${Date.now() - started} ms: ${installed.join(', ')}`);
  }
  return failures;
}

async function runInstall(options: InstallExtensionsOptions, extensions: string[]): Promise<{ exitCode: number; output: string }> {
  const { target } = options;
  const result = await execCapture(target.engine, target.containerId, {
    cmd: [options.serverCli, ...extensions.flatMap((extension) => ['--install-extension', extension])],
    user: target.user,
    env: options.remoteEnv,
    signal: target.signal,
  });
  return { exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}` };
}

function parseRecord(text: string | undefined): string[] {
  if (text === undefined) {
    return [];
  }
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    // A damaged record only costs a reinstall.
    return [];
  }
}
