import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { computeDevcontainerId } from '../../runtime/config/substitute';
import { composeProjectsOf, removeComposeProjects } from '../support/composeProject';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { type CliResult, cliPath, parseResultLine, runCli, runProcess } from '../support/cli';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

// The warm path of `up` and `exec` (runtime/fast) must print what the full
// CLI prints, and must hand every run it cannot finish exactly to the full
// CLI. DEVCONTAINER_OPEN_FAST_PATH=report makes dist/cli.js print on stderr
// which path ran, and `off` forces the full CLI for the comparison.

const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'fast-path-cache-'));
const workspaces: string[] = [];

after(async () => {
  for (const folder of workspaces) {
    // Compose projects have service containers without the workspace label.
    await removeComposeProjects(await composeProjectsOf(folder));
    await removeWorkspaceContainers(folder);
    removeWorkspace(folder);
  }
  fs.rmSync(cacheHome, { recursive: true, force: true });
});

interface PathResult extends CliResult {
  /** `taken` or the reason the full CLI ran. */
  path: string;
}

const reportPattern = /^fast path: (.*)\n/m;

async function run(args: string[], mode: 'report' | 'off' = 'report', input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<PathResult> {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome, DEVCONTAINER_OPEN_FAST_PATH: mode, ...extraEnv };
  const result = await runCli(args, { env, input });
  const report = reportPattern.exec(result.stderr);
  return { ...result, stderr: result.stderr.replace(reportPattern, ''), path: report?.[1] ?? 'none' };
}

/** Log lines without their time and duration, which differ between any two runs. */
function stableLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.replace(/^\[[\d:.]+\] /, '').replace(/ready in \d+ ms/, 'ready in N ms'));
}

function writeConfig(folder: string, config: Record<string, unknown>): void {
  fs.writeFileSync(path.join(folder, '.devcontainer', 'devcontainer.json'), JSON.stringify(config));
}

function markerCacheFile(containerId: string): string {
  return path.join(cacheHome, 'devcontainer-open', 'lifecycle', `${containerId}.json`);
}

const baseConfig = {
  image: 'debian:bookworm',
  containerEnv: { FROM_CONTAINER: 'c' },
  remoteEnv: { FROM_REMOTE: '${containerEnv:FROM_CONTAINER}-r', HOST_HOME: '${localEnv:HOME}' },
  postCreateCommand: 'echo created >> /tmp/post-create.count',
  postStartCommand: 'echo started >> /tmp/post-start.count',
};

describe('warm path', () => {
  const folder = makeWorkspace({ '.devcontainer/devcontainer.json': JSON.stringify(baseConfig), 'file.txt': 'from host\n' }, 'fast');
  workspaces.push(folder);
  let containerId = '';

  test('first up runs the full CLI', async () => {
    const result = await run(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.path, /^full CLI \(.*has not passed the schema check/);
    containerId = String(parseResultLine(result.stdout).containerId);
  });

  test('warm up is taken with the same output', async () => {
    const warm = await run(['up', '--workspace-folder', folder]);
    const full = await run(['up', '--workspace-folder', folder], 'off');
    assert.equal(warm.path, 'taken');
    assert.equal(warm.exitCode, 0, warm.stderr);
    assert.equal(warm.stdout, full.stdout);
    assert.deepEqual(stableLines(warm.stderr), stableLines(full.stderr));
    assert.equal(parseResultLine(warm.stdout).containerId, containerId);
  });

  test('warm up honours log level and format', async () => {
    const warm = await run(['up', '--workspace-folder', folder, '--log-level', 'warn', '--log-format', 'json']);
    assert.equal(warm.path, 'taken');
    assert.equal(warm.stderr, '');
    const json = await run(['up', '--workspace-folder', folder, '--log-format', 'json']);
    assert.equal(json.path, 'taken');
    const first = JSON.parse(json.stderr.split('\n')[0]) as { type: string; level: number; text: string };
    assert.equal(first.type, 'text');
    assert.equal(first.level, 3);
    assert.equal(first.text, `up: Using ${path.join(folder, '.devcontainer', 'devcontainer.json')}`);
  });

  test('warm exec matches the full exec', async () => {
    const command = ['sh', '-c', 'pwd; cat file.txt; env | sort; tr a-z A-Z; echo oops >&2; exit 5'];
    const args = ['exec', '--workspace-folder', folder, '--remote-env', 'EXTRA=x=y', ...command];
    const warm = await run(args, 'report', 'piped text\n');
    const full = await run(args, 'off', 'piped text\n');
    assert.equal(warm.path, 'taken');
    assert.equal(warm.exitCode, 5);
    assert.equal(full.exitCode, 5);
    assert.equal(warm.stdout, full.stdout);
    assert.equal(warm.stderr, full.stderr);
    assert.match(warm.stdout, /^FROM_REMOTE=c-r$/m);
    assert.match(warm.stdout, /^EXTRA=x=y$/m);
    assert.match(warm.stdout, /^PIPED TEXT$/m);
  });

  test('exec with a terminal is taken', async () => {
    // util-linux's script gives the CLI a pseudo-terminal, so the exec gets a TTY too.
    const command = `${process.execPath} ${cliPath} exec --workspace-folder ${folder} sh -c 'tty; echo hi; exit 4'`;
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome, DEVCONTAINER_OPEN_FAST_PATH: 'report' };
    const result = await runProcess('script', ['-qec', command, '/dev/null'], { env });
    assert.equal(result.exitCode, 4, result.stdout);
    // The container's terminal and script's each turn a line end into CR LF, so lines end in CR CR LF.
    assert.match(result.stdout, /\/dev\/pts\/\d+\r+\nhi\r+\n/);
    assert.match(result.stdout, /fast path: taken/);
  });

  test('exec passes large output in order', async () => {
    const result = await run(['exec', '--workspace-folder', folder, 'sh', '-c', 'seq 1 50000; echo end >&2']);
    assert.equal(result.path, 'taken');
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, Array.from({ length: 50000 }, (_, index) => `${index + 1}\n`).join(''));
    assert.equal(result.stderr, 'end\n');
  });

  test('flags outside the warm path run the full CLI', async () => {
    for (const extra of [['--log-level', 'debug'], ['--workspace-folder=' + folder], ['--skip-post-attach', 'true'], ['--help']]) {
      const result = await run(['up', '--workspace-folder', folder, ...extra]);
      assert.match(result.path, /^full CLI \(arguments/, extra.join(' '));
    }
    const byId = await run(['exec', '--container-id', containerId, 'true']);
    assert.match(byId.path, /^full CLI \(arguments/);
    assert.equal(byId.exitCode, 0, byId.stderr);
  });

  test('engine over TCP runs the full CLI', async () => {
    // Nothing listens on port 1, so the full CLI reports the unreachable engine.
    const result = await run(['up', '--workspace-folder', folder], 'report', undefined, { DOCKER_HOST: 'tcp://127.0.0.1:1' });
    assert.equal(result.path, 'full CLI (arguments or engine address outside the warm path)');
    assert.equal(result.exitCode, 1);
    assert.match(String(parseResultLine(result.stdout).message), /Cannot reach the Docker engine at tcp:\/\/127\.0\.0\.1:1/);
  });

  test('missing markers run the full CLI', async () => {
    fs.rmSync(markerCacheFile(containerId));
    const result = await run(['up', '--workspace-folder', folder]);
    assert.match(result.path, /lifecycle markers not cached: postCreateCommand, postStartCommand-/);
    assert.equal(result.exitCode, 0, result.stderr);
    const count = await run(['exec', '--workspace-folder', folder, 'cat', '/tmp/post-create.count']);
    assert.equal(count.stdout, 'created\n');
    assert.equal((await run(['up', '--workspace-folder', folder])).path, 'taken');
  });

  test('held lock runs the full CLI', async () => {
    const devcontainerId = computeDevcontainerId({
      'devcontainer.local_folder': folder,
      'devcontainer.config_file': path.join(folder, '.devcontainer', 'devcontainer.json'),
    });
    const lock = path.join(cacheHome, 'devcontainer-open', 'locks', devcontainerId);
    fs.mkdirSync(lock, { recursive: true });
    // A pid no process has, so the full CLI takes the stale lock over.
    fs.writeFileSync(path.join(lock, 'pid'), '4194303');
    const result = await run(['up', '--workspace-folder', folder]);
    assert.equal(result.path, 'full CLI (another run holds the dev container lock)');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(fs.existsSync(lock), false);
  });

  test('missing probe cache makes exec run the full CLI', async () => {
    fs.rmSync(path.join(cacheHome, 'devcontainer-open', 'user-env'), { recursive: true });
    const result = await run(['exec', '--workspace-folder', folder, 'true']);
    assert.equal(result.path, 'full CLI (no cached user environment probe)');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await run(['exec', '--workspace-folder', folder, 'true'])).path, 'taken');
  });

  test('changed config runs the full CLI once', async () => {
    writeConfig(folder, { ...baseConfig, remoteEnv: { ...baseConfig.remoteEnv, ADDED: 'yes' } });
    const exec = await run(['exec', '--workspace-folder', folder, 'printenv', 'ADDED']);
    assert.match(exec.path, /has not passed the schema check/);
    assert.equal(exec.stdout, 'yes\n');
    const changed = await run(['up', '--workspace-folder', folder]);
    assert.match(changed.path, /has not passed the schema check/);
    assert.equal(changed.exitCode, 0, changed.stderr);
    assert.equal((await run(['up', '--workspace-folder', folder])).path, 'taken');
    const warmExec = await run(['exec', '--workspace-folder', folder, 'printenv', 'ADDED']);
    assert.equal(warmExec.path, 'taken');
    assert.equal(warmExec.stdout, 'yes\n');
  });

  test('invalid config runs the full CLI, which reports it', async () => {
    writeConfig(folder, { ...baseConfig, remoteUser: 42 });
    const result = await run(['up', '--workspace-folder', folder]);
    assert.match(result.path, /has not passed the schema check/);
    assert.equal(result.exitCode, 1);
    assert.equal(parseResultLine(result.stdout).outcome, 'error');
    writeConfig(folder, baseConfig);
  });

  test('postAttachCommand and initializeCommand run the full CLI', async () => {
    writeConfig(folder, { ...baseConfig, postAttachCommand: 'echo attached >> /tmp/post-attach.count' });
    await run(['up', '--workspace-folder', folder]);
    const attach = await run(['up', '--workspace-folder', folder]);
    assert.equal(attach.path, 'full CLI (postAttachCommand runs on every up)');
    const skipped = await run(['up', '--workspace-folder', folder, '--skip-post-attach']);
    assert.equal(skipped.path, 'taken');
    const count = await run(['exec', '--workspace-folder', folder, 'cat', '/tmp/post-attach.count']);
    assert.equal(count.stdout, 'attached\nattached\n');

    writeConfig(folder, { ...baseConfig, initializeCommand: 'true' });
    await run(['up', '--workspace-folder', folder]);
    const initialize = await run(['up', '--workspace-folder', folder]);
    assert.equal(initialize.path, 'full CLI (initializeCommand runs on every up)');
    writeConfig(folder, baseConfig);
    await run(['up', '--workspace-folder', folder]);
  });

  test('stopped container runs the full CLI', async () => {
    await docker.getContainer(containerId).stop({ t: 0 });
    const exec = await run(['exec', '--workspace-folder', folder, 'true']);
    assert.equal(exec.path, `full CLI (container ${containerId.slice(0, 12)} is exited)`);
    assert.equal(exec.exitCode, 1);
    const result = await run(['up', '--workspace-folder', folder]);
    assert.equal(result.path, `full CLI (container ${containerId.slice(0, 12)} is exited)`);
    assert.equal(result.exitCode, 0, result.stderr);
    const count = await run(['exec', '--workspace-folder', folder, 'cat', '/tmp/post-start.count']);
    assert.equal(count.path, 'taken');
    assert.equal(count.stdout.split('\n').filter((line) => line === 'started').length, 2);
    assert.equal((await run(['up', '--workspace-folder', folder])).path, 'taken');
  });

  test('remove-existing-container runs the full CLI', async () => {
    const result = await run(['up', '--workspace-folder', folder, '--remove-existing-container']);
    assert.match(result.path, /^full CLI \(arguments/);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.notEqual(parseResultLine(result.stdout).containerId, containerId);
  });

  test('no container runs the full CLI', async () => {
    await removeWorkspaceContainers(folder);
    const exec = await run(['exec', '--workspace-folder', folder, 'true']);
    assert.equal(exec.path, 'full CLI (no container)');
    assert.equal(exec.exitCode, 1);
    const up = await run(['up', '--workspace-folder', folder, '--expect-existing-container']);
    assert.equal(up.path, 'full CLI (no container)');
    assert.equal(up.exitCode, 1);
  });
});

describe('warm path with compose', () => {
  const folder = makeWorkspace(
    {
      '.devcontainer/devcontainer.json': JSON.stringify({
        dockerComposeFile: '../docker-compose.yml',
        service: 'app',
        workspaceFolder: '/workspace',
        remoteEnv: { FROM_REMOTE: 'r' },
        postCreateCommand: 'true',
      }),
      'docker-compose.yml': ['services:', '  app:', '    image: debian:bookworm', '    init: true', '    command: ["sleep", "infinity"]', '    volumes: [".:/workspace"]', ''].join('\n'),
      'file.txt': 'from host\n',
    },
    'fastcompose',
  );
  workspaces.push(folder);

  test('up runs the full CLI and exec is taken', async () => {
    assert.equal((await run(['up', '--workspace-folder', folder])).exitCode, 0);
    const up = await run(['up', '--workspace-folder', folder]);
    assert.equal(up.path, 'full CLI (compose configuration)');
    assert.equal(up.exitCode, 0, up.stderr);

    const args = ['exec', '--workspace-folder', folder, 'sh', '-c', 'pwd; cat file.txt; env | sort'];
    const warm = await run(args);
    const full = await run(args, 'off');
    assert.equal(warm.path, 'taken');
    assert.equal(warm.exitCode, 0, warm.stderr);
    assert.equal(warm.stdout, full.stdout);
    assert.match(warm.stdout, /^\/workspace\nfrom host\n/);
    assert.match(warm.stdout, /^FROM_REMOTE=r$/m);
  });
});

describe('warm and full path agree', () => {
  const secret = 's3cr3t-fast-value';
  const config = {
    image: 'debian:bookworm',
    remoteEnv: { FOO: 'bar' },
    postCreateCommand: 'echo ${localEnv:FAST_TEST_SECRET} > /tmp/tok',
  };
  const configText = JSON.stringify(config);
  const folder = makeWorkspace({ '.devcontainer/devcontainer.json': configText }, 'fastagree');
  const configFile = path.join(folder, '.devcontainer', 'devcontainer.json');
  workspaces.push(folder);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fast-agree-'));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** Runs a shell line with the CLI as `$CLI`, for pipes and terminals the test cannot give a child directly. */
  function runShell(line: string, mode: 'report' | 'off', extraEnv: NodeJS.ProcessEnv = {}, timeoutMs = 60_000) {
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome, DEVCONTAINER_OPEN_FAST_PATH: mode, CLI: `${process.execPath} ${cliPath}`, ...extraEnv };
    return runProcess('sh', ['-c', line], { env, timeoutMs });
  }

  test('lifecycle log leaves out substituted secrets', async () => {
    const result = await run(['up', '--workspace-folder', folder], 'report', undefined, { FAST_TEST_SECRET: secret });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.ok(!result.stderr.includes(secret), result.stderr);
    assert.match(result.stderr, /Running postCreateCommand from devcontainer\.json\n/);
    const token = await run(['exec', '--workspace-folder', folder, 'cat', '/tmp/tok']);
    assert.equal(token.stdout, `${secret}\n`);
  });

  test('both paths ignore a Docker Desktop socket file', async () => {
    // docker-modem prefers $HOME/.docker/run/docker.sock when it exists; the docker CLI does not.
    const home = path.join(scratch, 'home');
    fs.mkdirSync(path.join(home, '.docker', 'run'), { recursive: true });
    fs.writeFileSync(path.join(home, '.docker', 'run', 'docker.sock'), '');
    for (const mode of ['report', 'off'] as const) {
      const result = await run(['exec', '--workspace-folder', folder, 'echo', 'reached'], mode, undefined, { HOME: home });
      assert.equal(result.exitCode, 0, `${mode}: ${result.stderr}`);
      assert.equal(result.stdout, 'reached\n', mode);
    }
  });

  test('both paths follow DOCKER_CONTEXT', async () => {
    const dockerConfig = path.join(scratch, 'docker-config');
    const absentSocket = path.join(scratch, 'absent.sock');
    for (const [name, host] of [['system', 'unix:///var/run/docker.sock'], ['absent', `unix://${absentSocket}`]]) {
      const meta = path.join(dockerConfig, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
      fs.mkdirSync(meta, { recursive: true });
      fs.writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
    }
    const reached = await run(['exec', '--workspace-folder', folder, 'true'], 'report', undefined, { DOCKER_CONFIG: dockerConfig, DOCKER_CONTEXT: 'system' });
    assert.equal(reached.path, 'taken');
    assert.equal(reached.exitCode, 0, reached.stderr);

    for (const mode of ['report', 'off'] as const) {
      const result = await run(['exec', '--workspace-folder', folder, 'true'], mode, undefined, { DOCKER_CONFIG: dockerConfig, DOCKER_CONTEXT: 'absent' });
      assert.equal(result.exitCode, 1, mode);
      assert.ok(result.stderr.includes(`Cannot reach the Docker engine at unix://${absentSocket}`), `${mode}: ${result.stderr}`);
    }
    // The same context as the current one in config.json.
    fs.writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ currentContext: 'absent' }));
    const current = await run(['exec', '--workspace-folder', folder, 'true'], 'report', undefined, { DOCKER_CONFIG: dockerConfig });
    assert.equal(current.exitCode, 1);
    assert.ok(current.stderr.includes(`unix://${absentSocket}`), current.stderr);
  });

  test('exec ends while stdin keeps coming', async () => {
    for (const mode of ['report', 'off'] as const) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const started = Date.now();
        const result = await runShell(`yes | $CLI exec --workspace-folder '${folder}' true; echo "exit $?"`, mode, {}, 30_000);
        assert.match(result.stdout, /exit 0\n$/, `${mode}: ${result.stderr}`);
        assert.ok(Date.now() - started < 5000, `${mode} took ${Date.now() - started} ms`);
      }
    }
  });

  test('exec sets the terminal size', async () => {
    for (const mode of ['report', 'off'] as const) {
      // The sleep lets an engine older than API 1.42, which ignores ConsoleSize, apply the resize after the start.
      const line = `stty cols 120 rows 30; $CLI exec --workspace-folder '${folder}' sh -c 'sleep 0.5; stty size'`;
      const result = await runShell(`script -qec "${line}" /dev/null`, mode);
      // script echoes the end of its input as ^@ before the output.
      assert.match(result.stdout, /(^|\^@)30 120\r*$/m, `${mode}: ${result.stdout}`);
    }
  });

  test('remote-env option wins over remoteEnv', async () => {
    for (const mode of ['report', 'off'] as const) {
      const result = await run(['exec', '--workspace-folder', folder, '--remote-env', 'FOO=over', 'sh', '-c', 'echo $FOO'], mode);
      assert.equal(result.stdout, 'over\n', mode);
    }
  });

  test('exec accepts mount-workspace-git-root false', async () => {
    const result = await run(['exec', '--workspace-folder', folder, '--mount-workspace-git-root', 'false', 'pwd']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '/workspaces/fastagree\n');
  });

  test('closed stdout ends exec quietly', async () => {
    for (const mode of ['report', 'off'] as const) {
      const result = await runShell(`$CLI exec --workspace-folder '${folder}' seq 1 200000 | head -2`, mode);
      assert.equal(result.stdout, '1\n2\n', mode);
      assert.ok(!/EPIPE|Error/.test(result.stderr), `${mode}: ${result.stderr}`);
    }
  });

  test('deleted current folder gives a clear error', async () => {
    for (const mode of ['report', 'off'] as const) {
      const deletedFolder = path.join(scratch, `deleted-${mode}`);
      const result = await runShell(`mkdir '${deletedFolder}' && cd '${deletedFolder}' && rmdir '${deletedFolder}' && $CLI up --workspace-folder '${folder}'`, mode);
      assert.equal(result.exitCode, 1, mode);
      assert.match(result.stderr, /The current folder cannot be read \(.*uv_cwd\); it was probably deleted/, mode);
      assert.ok(!result.stderr.includes('    at '), `${mode}: ${result.stderr}`);
    }
  });

  test('unwritable cache folder still runs up', async () => {
    const notAFolder = path.join(scratch, 'cache-file');
    fs.writeFileSync(notAFolder, '');
    const result = await runCli(['up', '--workspace-folder', folder], { env: { ...process.env, XDG_CACHE_HOME: notAFolder } });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /Running without the dev container lock, because creating .*cache-file\/devcontainer-open\/locks failed/);
    assert.equal(parseResultLine(result.stdout).outcome, 'success');
  });

  test('stale lock of a live pid is taken over', async () => {
    const devcontainerId = computeDevcontainerId({ 'devcontainer.local_folder': folder, 'devcontainer.config_file': configFile });
    const lock = path.join(cacheHome, 'devcontainer-open', 'locks', devcontainerId);
    fs.mkdirSync(lock, { recursive: true });
    // pid 1 always runs; the file's age shows that no `up` refreshes it.
    fs.writeFileSync(path.join(lock, 'pid'), '1\n');
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(path.join(lock, 'pid'), old, old);
    const result = await run(['up', '--workspace-folder', folder], 'report', undefined, {});
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /Taking over the lock .* because its owner, pid 1, has not refreshed it/);
    assert.equal(fs.existsSync(lock), false);
  });

  test('configuration edits the schema rejects are not served warm', async () => {
    const recorded = '{"image": "debian:bookworm", "remoteEnv": {"FOO": "bar"}, "hostRequirements": {"cpus": 1e400}}';
    const edits = [
      // 1e400 and null both serialise as null.
      '{"image": "debian:bookworm", "remoteEnv": {"FOO": "bar"}, "hostRequirements": {"cpus": null}}',
      // A __proto__ key is lost by parsing into a plain object.
      '{"image": "debian:bookworm", "remoteEnv": {"FOO": "bar"}, "hostRequirements": {"cpus": 1e400}, "__proto__": {"remoteUser": 5}}',
    ];
    for (const edited of edits) {
      fs.writeFileSync(configFile, recorded);
      const up = await run(['up', '--workspace-folder', folder]);
      assert.equal(up.exitCode, 0, up.stderr);
      assert.equal((await run(['exec', '--workspace-folder', folder, 'true'])).path, 'taken');

      fs.writeFileSync(configFile, edited);
      const result = await run(['exec', '--workspace-folder', folder, 'true']);
      assert.match(result.path, /has not passed the schema check/, edited);
      assert.equal(result.exitCode, 1, edited);
    }
    fs.writeFileSync(configFile, configText);
  });
});
