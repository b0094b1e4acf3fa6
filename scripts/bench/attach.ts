/**
 * Times the desktop attach steps that have no counterpart in the reference
 * CLI: from a running container to the first HTTP response of the editor's
 * server (warm server cache), and `ssh HOST true` through `ssh-proxy`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectEngine } from '../../runtime/engine/client';
import { execCapture } from '../../runtime/engine/exec';
import { silentLogger } from '../../runtime/log';
import { prepareEditorServer } from '../../runtime/server/vscode/index';
import type { ServerConnection } from '../../runtime/server/vscode/types';
import { makeServerFixture } from '../../test/support/vscodeServer';

export interface AttachRow {
  scenario: string;
  /** Seconds, one entry per run. */
  samples: number[];
}

const root = path.resolve(__dirname, '..', '..');

/** Measures both attach rows on an image workspace, and removes its container and server volume. */
export async function measureAttach(workspace: string, runs: number): Promise<AttachRow[]> {
  const ssh = measureSshTrue(workspace, runs);
  return [await measureServerStart(workspace, runs), ssh];
}

/**
 * Times a window reload with the server stopped. Each run stops the server
 * the previous run started, then prepares it again: up on the running
 * container, finding the server already copied, starting it, and one HTTP
 * request through an exec stream. The first, untimed run fills the host
 * cache. The container and the volume are removed at the end.
 */
async function measureServerStart(workspace: string, runs: number): Promise<AttachRow> {
  const fixture = await makeServerFixture();
  const cacheFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-server-cache-'));
  const logger = silentLogger();
  const engine = await connectEngine({ logger });
  // A volume of its own, removed afterwards, so the run leaves the default one alone.
  const volume = `devcontainer-open-bench-editor-servers-${process.pid}`;
  const samples: number[] = [];
  try {
    const options = { workspaceFolder: workspace, clientProductPath: fixture.clientProductPath, cacheFolder, editorServerVolume: volume, logger };
    const first = await prepareEditorServer(options);
    await first.close();
    for (let run = 0; run < runs; run++) {
      const stop = await execCapture(engine, first.containerId, {
        cmd: ['sh', '-c', 'kill -- "-$(cat "$1")"; sleep 0.2', 'sh', `/root/.devcontainer-open/editor-server/${fixture.commit}/server.pid`],
        user: 'root',
      });
      if (stop.exitCode !== 0) {
        throw new Error(`Stopping the editor server failed: ${stop.stderr}`);
      }
      const started = process.hrtime.bigint();
      const server = await prepareEditorServer(options);
      const status = await firstResponseStatus(await server.connect(), server.connectionToken);
      samples.push(Number(process.hrtime.bigint() - started) / 1e9);
      await server.close();
      if (status !== 200) {
        throw new Error(`The editor server responded with HTTP ${status} instead of 200`);
      }
    }
  } finally {
    await fixture.dispose();
    fs.rmSync(cacheFolder, { recursive: true, force: true });
    // The volume can go only once no container uses it.
    const containers = await engine.docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${workspace}`] } });
    for (const container of containers) {
      await engine.docker.getContainer(container.Id).remove({ force: true });
    }
    await engine.docker.getVolume(volume).remove().catch(() => undefined);
  }
  return { scenario: 'container running → editor server responds', samples };
}

async function firstResponseStatus(connection: ServerConnection, token: string): Promise<number> {
  const chunks: Uint8Array[] = [];
  connection.onData((data) => chunks.push(data));
  const closed = new Promise<void>((resolve) => connection.onClose(() => resolve()));
  connection.send(Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: vscode-tkn=${token}\r\nConnection: close\r\n\r\n`));
  await closed;
  return Number(/^HTTP\/1\.[01] (\d{3})/.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? 0);
}

/** Runs `ssh -F CONFIG bench true` with a ProxyCommand entry like the extension writes; the first run is untimed. */
function measureSshTrue(workspace: string, runs: number): AttachRow {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ssh-'));
  try {
    const config = path.join(folder, 'config');
    fs.writeFileSync(
      config,
      [
        'Host bench',
        `  ProxyCommand "${process.execPath}" "${path.join(root, 'dist', 'cli.js')}" ssh-proxy --workspace-folder "${workspace}"`,
        `  UserKnownHostsFile "${path.join(folder, 'known_hosts')}"`,
        '  StrictHostKeyChecking accept-new',
        '  BatchMode yes',
        '',
      ].join('\n'),
    );
    const ssh = () => {
      const started = process.hrtime.bigint();
      const result = spawnSync('ssh', ['-F', config, 'bench', 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
      if (result.status !== 0) {
        throw new Error(`ssh bench true exited with ${result.status}: ${result.stderr.toString().slice(-2000)}`);
      }
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    ssh();
    const samples = Array.from({ length: runs }, ssh);
    return { scenario: '`ssh HOST true` through ssh-proxy', samples };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
