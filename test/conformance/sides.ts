import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliPath, repoRoot, runProcess, type CliResult } from '../support/cli';

/** The two CLIs under comparison. */
export type SideName = 'ours' | 'reference';
export const sideNames: readonly SideName[] = ['ours', 'reference'];

/** Reference Dev Containers CLI 0.89.0, a dev dependency of this package. */
export const referenceCliPath = path.join(repoRoot, 'node_modules', '@devcontainers', 'cli', 'devcontainer.js');

/**
 * Debian's docker client, which the reference CLI spawns. The
 * `/usr/local/bin/docker` on these machines is a newer client with no daemon.
 */
export const dockerCliPath = '/usr/bin/docker';

/** One CLI's copy of a group's workspace. */
export interface Side {
  name: SideName;
  /** Folder that holds only this copy; removed when the group finishes. */
  copyRoot: string;
  workspaceFolder: string;
  configFile: string;
  /** The `${devcontainerId}` this copy must get, from its identifying labels. */
  devcontainerId: string;
}

/**
 * Writes the same files twice, to `<tmp>/<ours|reference>/<basename>`, so
 * both containers get `/workspaces/<basename>` without finding each other
 * by their `devcontainer.local_folder` label. The folders are outside any
 * git work tree, where the reference CLI would mount the repository root.
 */
export function writeWorkspaceCopies(basename: string, files: Record<string, string>): Record<SideName, Side> {
  const groupRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
  const copy = (name: SideName): Side => {
    const copyRoot = path.join(groupRoot, name);
    const workspaceFolder = path.join(copyRoot, basename);
    for (const [relative, content] of Object.entries(files)) {
      const file = path.join(workspaceFolder, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    const configFile = path.join(workspaceFolder, '.devcontainer', 'devcontainer.json');
    return { name, copyRoot, workspaceFolder, configFile, devcontainerId: devcontainerIdOf(workspaceFolder, configFile) };
  };
  return { ours: copy('ours'), reference: copy('reference') };
}

export function removeWorkspaceCopies(sides: Record<SideName, Side>): void {
  fs.rmSync(path.dirname(sides.ours.copyRoot), { recursive: true, force: true });
}

/**
 * Computes `${devcontainerId}` as the reference CLI 0.89.0 does: SHA-256 of
 * the JSON of the identifying labels with sorted keys, as a base-32 number
 * padded to 52 digits.
 */
export function devcontainerIdOf(workspaceFolder: string, configFile: string): string {
  const labels: Record<string, string> = {
    'devcontainer.local_folder': workspaceFolder,
    'devcontainer.config_file': configFile,
  };
  const json = JSON.stringify(labels, Object.keys(labels).sort());
  const digest = createHash('sha256').update(json, 'utf8').digest('hex');
  return BigInt(`0x${digest}`).toString(32).padStart(52, '0');
}

/**
 * Runs one CLI subcommand on a side's workspace. The reference CLI takes
 * `--docker-path` after the subcommand; ours accepts and ignores it, so both
 * get the same arguments.
 */
export function runSideCli(
  side: Side,
  subcommand: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 300_000,
): Promise<CliResult> {
  const script = side.name === 'ours' ? cliPath : referenceCliPath;
  const common = ['--docker-path', dockerCliPath, '--workspace-folder', side.workspaceFolder];
  return runProcess(process.execPath, [script, subcommand, ...common, ...args], { env, timeoutMs, cwd: side.copyRoot });
}

/** Parses the last line of stdout as JSON. A line that is not JSON comes back as `{ unparsed }`. */
export function parseLastJsonLine(result: CliResult): Record<string, unknown> {
  const lines = result.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    return { unparsed: last };
  }
}
