/**
 * Times our CLI against the reference Dev Containers CLI on the same
 * workspace content, side by side in one run, and writes the medians and
 * ratios to docs/benchmark.md.
 *
 * Each tool gets its own copy of the workspace (outside any git tree), so
 * neither finds the other's container. Runs alternate between the tools so
 * machine noise hits both alike.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Dockerode from 'dockerode';
import { composeProjectsOf, removeComposeProjects } from '../test/support/composeProject';
import { type AttachRow, measureAttach } from './bench/attach';

const root = path.resolve(__dirname, '..');
const docker = new Dockerode();
const runs = Number(process.env.BENCH_RUNS ?? 7);

interface Tool {
  name: 'ours' | 'reference';
  argv(command: 'up' | 'exec', workspace: string): string[];
}

/** The workspace kinds the benchmark covers, each written fresh for each tool. */
const workspaceKinds: Record<string, Record<string, string>> = {
  image: {
    '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', containerEnv: { BENCH: '1' }, postCreateCommand: 'true' }),
  },
  dockerfile: {
    '.devcontainer/devcontainer.json': JSON.stringify({ build: { dockerfile: 'Dockerfile', args: { GREETING: 'hi' } }, postCreateCommand: 'true' }),
    '.devcontainer/Dockerfile': 'FROM debian:bookworm\nARG GREETING\nRUN echo "$GREETING" > /greeting\n',
  },
  // Cold rows here are a rebuild with nothing changed: every Feature layer comes from the cache.
  'local Feature': {
    '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { './marker': { greeting: 'hi' } } }),
    '.devcontainer/marker/devcontainer-feature.json': JSON.stringify({
      id: 'marker',
      version: '1.0.0',
      options: { greeting: { type: 'string', default: 'hello' } },
    }),
    '.devcontainer/marker/install.sh': '#!/bin/sh\nset -e\necho "$GREETING" > /etc/marker\n',
  },
  'non-root user': {
    '.devcontainer/devcontainer.json': JSON.stringify({ build: { dockerfile: 'Dockerfile' }, remoteUser: 'dev', postCreateCommand: 'true' }),
    '.devcontainer/Dockerfile': 'FROM debian:bookworm\nRUN useradd -m -u 1000 -s /bin/bash dev\n',
  },
  // The compose file sits in the workspace's parent folder, whose random name
  // becomes the compose project name, so the two tools' copies do not share a project.
  'compose (two services)': {
    '.devcontainer/devcontainer.json': JSON.stringify({
      dockerComposeFile: '../../docker-compose.yml',
      service: 'app',
      workspaceFolder: '/workspace',
      postCreateCommand: 'true',
    }),
    '../docker-compose.yml': [
      'services:',
      '  app:',
      '    image: debian:bookworm',
      '    init: true',
      '    command: ["sleep", "infinity"]',
      '    volumes: ["./bench:/workspace"]',
      '  db:',
      '    image: busybox',
      '    init: true',
      '    command: ["busybox", "nc", "-ll", "-p", "5432", "-e", "echo", "pong"]',
      '',
    ].join('\n'),
  },
};

function makeWorkspace(files: Record<string, string>): string {
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'bench');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    fs.writeFileSync(path.join(folder, name), content);
  }
  fs.writeFileSync(path.join(folder, 'file.txt'), 'bench\n');
  return folder;
}

const referenceCli = path.join(root, 'node_modules', '@devcontainers', 'cli', 'devcontainer.js');
const tools: Tool[] = [
  {
    name: 'ours',
    argv: (command, workspace) =>
      command === 'up'
        ? [path.join(root, 'dist', 'cli.js'), 'up', '--workspace-folder', workspace]
        : [path.join(root, 'dist', 'cli.js'), 'exec', '--workspace-folder', workspace, 'true'],
  },
  {
    name: 'reference',
    argv: (command, workspace) =>
      command === 'up'
        ? [referenceCli, 'up', '--docker-path', '/usr/bin/docker', '--workspace-folder', workspace]
        : [referenceCli, 'exec', '--docker-path', '/usr/bin/docker', '--workspace-folder', workspace, 'true'],
  },
];

async function containersOf(workspace: string): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${workspace}`] } });
}

async function removeContainers(workspace: string): Promise<void> {
  for (const info of await containersOf(workspace)) {
    await docker.getContainer(info.Id).remove({ force: true });
  }
}

/** Removes the images each tool built for a workspace (its `devcontainer-` or `vsc-` tags only). */
async function removeBuiltImages(workspace: string): Promise<void> {
  const imageIds = new Set((await containersOf(workspace)).map((info) => info.ImageID));
  await removeContainers(workspace);
  for (const id of imageIds) {
    const tags = (await docker.getImage(id).inspect().catch(() => undefined))?.RepoTags ?? [];
    for (const tag of tags.filter((name) => name.startsWith('devcontainer-') || name.startsWith('vsc-'))) {
      await docker.getImage(tag).remove().catch(() => undefined);
    }
  }
}

async function stopContainers(workspace: string): Promise<void> {
  for (const info of await containersOf(workspace)) {
    await docker.getContainer(info.Id).stop({ t: 0 }).catch(() => undefined);
  }
}

/** Runs one command and returns its wall time in seconds; a failure aborts the benchmark. */
function timeCommand(argv: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, argv, { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${argv.join(' ')} exited with ${result.status}\n${result.stdout}\n${result.stderr.slice(-2000)}`);
  }
  return seconds;
}

interface Scenario {
  name: string;
  /** Brings the workspace into the state the row measures. */
  prepare(workspace: string): Promise<void>;
  command: 'up' | 'exec';
}

const scenarios: Scenario[] = [
  { name: 'cold `up` (image present, no container)', prepare: (workspace) => removeContainers(workspace), command: 'up' },
  { name: 'warm `up` (container running)', prepare: async () => undefined, command: 'up' },
  { name: '`up` after stop', prepare: (workspace) => stopContainers(workspace), command: 'up' },
  { name: '`exec true`', prepare: async () => undefined, command: 'exec' },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface Row {
  kind: string;
  scenario: string;
  ours: number[];
  reference: number[];
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  let attachRows: AttachRow[] = [];
  const created: string[] = [];
  try {
    for (const [kind, files] of Object.entries(workspaceKinds)) {
      const workspaces = { ours: makeWorkspace(files), reference: makeWorkspace(files) };
      created.push(workspaces.ours, workspaces.reference);
      // A first up per tool builds images, so every timed cold run reuses them.
      for (const tool of tools) {
        timeCommand(tool.argv('up', workspaces[tool.name]));
      }
      for (const scenario of scenarios) {
        const samples: Record<string, number[]> = { ours: [], reference: [] };
        for (let run = 0; run < runs; run++) {
          for (const tool of run % 2 === 0 ? tools : [...tools].reverse()) {
            await scenario.prepare(workspaces[tool.name]);
            samples[tool.name].push(timeCommand(tool.argv(scenario.command, workspaces[tool.name])));
          }
        }
        rows.push({ kind, scenario: scenario.name, ours: samples.ours, reference: samples.reference });
        const ours = median(samples.ours);
        const reference = median(samples.reference);
        console.log(`${kind}, ${scenario.name}: ours ${ours.toFixed(3)} s, reference ${reference.toFixed(3)} s, ratio ${(ours / reference).toFixed(2)}`);
      }
    }

    const attachWorkspace = makeWorkspace(workspaceKinds.image);
    created.push(attachWorkspace);
    attachRows = await measureAttach(attachWorkspace, runs);
    for (const row of attachRows) {
      console.log(`attach, ${row.scenario}: ${median(row.samples).toFixed(3)} s`);
    }
  } finally {
    for (const workspace of created) {
      // Compose projects have service containers without the workspace label.
      await removeComposeProjects(await composeProjectsOf(workspace));
      await removeBuiltImages(workspace);
      await removeContainers(workspace);
      fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
    }
  }
  writeReport(rows, attachRows);
}

function writeReport(rows: Row[], attachRows: AttachRow[]): void {
  const referenceVersion = JSON.parse(
    fs.readFileSync(path.join(root, 'node_modules', '@devcontainers', 'cli', 'package.json'), 'utf8'),
  ).version as string;
  const engineVersion = execFileSync('/usr/bin/docker', ['version', '--format', '{{.Server.Version}}']).toString().trim();
  const lines = [
    '# Benchmark',
    '',
    'Wall time of whole CLI processes, ours (`node dist/cli.js`) against the reference',
    `Dev Containers CLI ${referenceVersion} (\`--docker-path /usr/bin/docker\`), on the same`,
    'workspace content. Five workspace kinds: an image config (`debian:bookworm`, one',
    '`containerEnv`), a Dockerfile config with a build arg, an image config with a local',
    'Feature, a Dockerfile config whose `remoteUser` is a non-root user, and a compose config',
    'with two services (Debian\'s docker-compose 1.29). Images are built',
    'once before timing, so cold rows measure container creation from cached layers; for the',
    'Feature workspace that is a rebuild with nothing changed.',
    `Each row is the median of ${runs} runs per tool, alternating the tools; ratio is ours / reference,`,
    'so below 1 means ours is faster. Produced by `npm run bench` (scripts/bench.ts).',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB,`,
    `Node.js ${process.version}, Docker engine ${engineVersion}. These machines are shared, so expect noise between runs.`,
    '',
    '| workspace | scenario | ours (median s) | reference (median s) | ratio | ours min–max | reference min–max |',
    '|---|---|---:|---:|---:|---|---|',
  ];
  for (const row of rows) {
    const ours = median(row.ours);
    const reference = median(row.reference);
    const range = (values: number[]) => `${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)}`;
    lines.push(
      `| ${row.kind} | ${row.scenario} | ${ours.toFixed(3)} | ${reference.toFixed(3)} | ${(ours / reference).toFixed(2)} | ${range(row.ours)} | ${range(row.reference)} |`,
    );
  }
  lines.push(
    '',
    '## Desktop attach',
    '',
    'Ours only, since the reference CLI has neither step, on the image workspace. "Editor server',
    'responds" stops the VS Code server, then times a window reload: `prepareEditorServer` on the',
    'running container (the server already copied, so it only starts) and one HTTP response through',
    'an exec stream. The server is Code-OSS 1.96 from the cached code-server, packed like a VS Code',
    'server release. "`ssh HOST true`" runs OpenSSH through `ssh-proxy` to the running container.',
    `Goals: under 1 s and under 0.25 s. Medians of ${runs} runs.`,
    '',
    '| scenario | median s | min–max |',
    '|---|---:|---|',
  );
  for (const row of attachRows) {
    lines.push(`| ${row.scenario} | ${median(row.samples).toFixed(3)} | ${Math.min(...row.samples).toFixed(3)}–${Math.max(...row.samples).toFixed(3)} |`);
  }
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs', 'benchmark.md'), lines.join('\n') + '\n');
  console.log('Wrote docs/benchmark.md');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
