import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { containersOf, docker, removeWorkspaceContainers } from './engine';
import { runCli, runProcess, type CliResult } from './cli';
import { splitShellWords } from './shellWords';
import { composeProjectsOf, removeComposeProjects, stopComposeProjects } from './composeProject';

/**
 * Runs a reproducer case (a folder with a CHECK file, format described in
 * test/cases/README.md) through our CLI. The case is copied to a temporary
 * folder first so its SETUP steps never write into the repository.
 */
export async function runCase(caseFolder: string, log: (line: string) => void = () => undefined): Promise<void> {
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'case-'));
  const folder = path.join(workRoot, path.basename(caseFolder));
  fs.cpSync(caseFolder, folder, { recursive: true });
  const runner = new CaseRun(folder, log);
  try {
    await runner.run(fs.readFileSync(path.join(folder, 'CHECK'), 'utf8'));
  } finally {
    await runner.cleanAll();
    fs.rmSync(workRoot, { recursive: true, force: true });
  }
}

interface Pending {
  description: string;
  lines: string[];
  next: number;
}

class CaseRun {
  private readonly env: NodeJS.ProcessEnv = { ...process.env };
  private readonly definedNames = new Set<string>();
  private readonly workspaces = new Set<string>();
  private pending: Pending | undefined;

  constructor(
    private readonly folder: string,
    private readonly log: (line: string) => void,
  ) {}

  async run(check: string): Promise<void> {
    for (const rawLine of check.split('\n')) {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) continue;
      const space = line.indexOf(' ');
      const directive = space < 0 ? line : line.slice(0, space);
      const rest = space < 0 ? '' : line.slice(space + 1);
      if (directive !== 'EXPECT' && directive !== 'EXPECT_RE') {
        this.finishPending();
      }
      this.log(`${directive} ${rest}`);
      await this.step(directive, rest);
    }
    this.finishPending();
  }

  private async step(directive: string, rest: string): Promise<void> {
    switch (directive) {
      case 'SETUP':
        this.shell(rest, 'SETUP');
        return;
      case 'ENV': {
        const equals = rest.indexOf('=');
        const name = rest.slice(0, equals);
        this.env[name] = execFileSync('sh', ['-c', `printf '%s' ${rest.slice(equals + 1)}`], {
          cwd: this.folder,
          env: this.env,
        }).toString();
        this.definedNames.add(name);
        return;
      }
      case 'UNSET':
        delete this.env[rest.trim()];
        return;
      case 'UP':
      case 'UP_FAIL':
        return this.up(rest, directive === 'UP_FAIL');
      case 'EXEC':
        return this.exec(rest);
      case 'HOST': {
        const result = await runProcess('sh', ['-c', await this.placeholders(rest)], { cwd: this.folder, env: this.env });
        this.expectSuccess(`HOST ${rest}`, result);
        this.pending = { description: `HOST ${rest}`, lines: outputLines(result.stdout), next: 0 };
        return;
      }
      case 'EXPECT':
      case 'EXPECT_RE':
        return this.expect(directive === 'EXPECT_RE', rest);
      case 'STOP':
        await stopComposeProjects(await composeProjectsOf(this.workspacePath(rest)));
        for (const info of await containersOf(this.workspacePath(rest))) {
          await docker.getContainer(info.Id).stop({ t: 2 }).catch(() => undefined);
        }
        return;
      case 'CLEAN':
        await cleanWorkspace(this.workspacePath(rest));
        return;
      case 'PRODUCT':
        // An editor-only step; the CLI run has nothing to do for it.
        return;
      default:
        throw new Error(`Unknown CHECK directive ${directive}`);
    }
  }

  private async up(rest: string, shouldFail: boolean): Promise<void> {
    const workspace = this.workspacePath(rest);
    this.workspaces.add(workspace);
    const result = await runCli(['up', '--workspace-folder', workspace], { env: this.env, timeoutMs: 300_000 });
    if (shouldFail) {
      if (result.exitCode === 0) throw new Error(`UP_FAIL ${rest}: up succeeded but must fail\n${result.stdout}`);
      return;
    }
    this.expectSuccess(`UP ${rest}`, result);
  }

  private async exec(rest: string): Promise<void> {
    const words = splitShellWords(await this.placeholders(rest));
    const [workspace, ...command] = words;
    const result = await runCli(['exec', '--workspace-folder', this.resolve(workspace), ...command], {
      env: this.env,
      timeoutMs: 120_000,
    });
    this.expectSuccess(`EXEC ${rest}`, result);
    this.pending = { description: `EXEC ${rest}`, lines: outputLines(result.stdout), next: 0 };
  }

  private expect(isRegex: boolean, expected: string): void {
    const pending = this.pending;
    if (!pending) throw new Error(`EXPECT ${expected} follows no EXEC or HOST`);
    const actual = pending.lines[pending.next];
    const matches = isRegex
      ? actual !== undefined && new RegExp(`^(?:${expected})$`).test(actual)
      : actual === expected.trimEnd();
    if (!matches) {
      throw new Error(
        `${pending.description}: output line ${pending.next + 1} is ${JSON.stringify(actual)}, ` +
          `expected ${isRegex ? 'a match for ' : ''}${JSON.stringify(expected)}\nwhole output:\n${pending.lines.join('\n')}`,
      );
    }
    pending.next++;
  }

  private finishPending(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending && pending.next > 0 && pending.next < pending.lines.length) {
      throw new Error(`${pending.description}: unexpected extra output:\n${pending.lines.slice(pending.next).join('\n')}`);
    }
  }

  private expectSuccess(description: string, result: CliResult): void {
    if (result.exitCode !== 0) {
      throw new Error(
        `${description} exited with ${result.exitCode}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr.slice(-4000)}`,
      );
    }
  }

  private shell(command: string, description: string): void {
    execFileSync('sh', ['-c', command], { cwd: this.folder, env: this.env, stdio: 'pipe' });
    this.log(`${description} done`);
  }

  /** Replaces `{{CID ws}}` and `${NAME}` for names an ENV directive set. */
  private async placeholders(text: string): Promise<string> {
    let result = text;
    for (const match of text.matchAll(/\{\{CID ([^}]+)\}\}/g)) {
      const [workspace] = splitShellWords(match[1]);
      const found = await containersOf(this.resolve(workspace));
      result = result.replace(match[0], found[0]?.Id ?? 'no-container');
    }
    return result.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
      this.definedNames.has(name) ? (this.env[name] ?? '') : whole,
    );
  }

  private workspacePath(rest: string): string {
    return this.resolve(splitShellWords(rest)[0]);
  }

  private resolve(workspace: string): string {
    return path.resolve(this.folder, workspace);
  }

  async cleanAll(): Promise<void> {
    for (const workspace of this.workspaces) {
      await cleanWorkspace(workspace).catch(() => undefined);
    }
  }
}

/** Removes a workspace's containers and images, and the rest of its compose projects. */
async function cleanWorkspace(workspace: string): Promise<void> {
  const projects = await composeProjectsOf(workspace);
  await removeWorkspaceContainers(workspace);
  await removeComposeProjects(projects);
}

function outputLines(stdout: string): string[] {
  const lines = stdout.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
