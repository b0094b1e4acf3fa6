import { createReadStream, createWriteStream, statSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import * as tar from 'tar-fs';

/**
 * Code-OSS 1.96's server inside the cached code-server install: out/server-main.js,
 * node_modules, product.json and package.json, as a VS Code server has them.
 */
export const codeOssServerFolder = '/var/cache/open-devcontainers/code-server-4.96.4/lib/vscode';

/** Top folder of Microsoft's server archives for Linux on x86-64. */
const archiveTopFolder = 'vscode-server-linux-x64';

/** Launcher name in bin/, the `serverApplicationName` the fixture's client product names. */
export const fixtureServerApplicationName = 'code-server-oss';

/**
 * Starts the server like the launcher in Microsoft's archives, which runs
 * node without exec, so the launcher's shell stays the parent process.
 */
const launcherScript = `#!/usr/bin/env sh
ROOT="$(dirname "$(dirname "$(readlink -f "$0")")")"
"$ROOT/node" "$ROOT/out/server-main.js" "$@"
`;

export interface ServerFixture {
  /** Commit of the packed server, which the client product.json repeats. */
  commit: string;
  /** The server archive (.tar.gz) laid out like Microsoft's. */
  archive: string;
  /** A client product.json whose download template points at the loopback server. */
  clientProductPath: string;
  /** Number of archive downloads the loopback server has served. */
  downloads(): number;
  /** Stops the loopback HTTP server, so a download fails with a refused connection. */
  stopHttp(): Promise<void>;
  /** Removes the fixture's files and stops the HTTP server. */
  dispose(): Promise<void>;
}

/**
 * Packs the cached Code-OSS server as a VS Code server release archive
 * (`vscode-server-linux-x64/` with `node`, `bin/`, `out/`, `node_modules/`,
 * an empty `extensions/`, `package.json` and `product.json`) and serves it
 * from a loopback HTTP server. It also writes a client product.json of the same commit, whose
 * `serverDownloadUrlTemplate` points at that server. The node binary is the
 * host's, because the cached native modules were built for it. The first
 * URL redirects to the archive, so every download follows a redirect.
 */
export async function makeServerFixture(): Promise<ServerFixture> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'vscode-server-fixture-'));
  const serverProduct = JSON.parse(await fs.readFile(path.join(codeOssServerFolder, 'product.json'), 'utf8')) as {
    commit: string;
    version: string;
  };
  const archive = path.join(folder, `${archiveTopFolder}.tar.gz`);
  await packServerArchive(archive);

  let downloads = 0;
  const server = http.createServer((request, response) => {
    const url = request.url ?? '';
    if (url === `/commit:${serverProduct.commit}/server-linux-x64/stable`) {
      response.writeHead(302, { location: `/download/${archiveTopFolder}.tar.gz` });
      response.end();
      return;
    }
    if (url === `/download/${archiveTopFolder}.tar.gz`) {
      downloads++;
      response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(statSync(archive).size) });
      createReadStream(archive).pipe(response);
      return;
    }
    response.writeHead(404);
    response.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const clientProductPath = path.join(folder, 'client-product.json');
  await fs.writeFile(
    clientProductPath,
    JSON.stringify({
      nameShort: 'Code - OSS',
      applicationName: 'code-oss',
      version: serverProduct.version,
      quality: 'stable',
      commit: serverProduct.commit,
      serverApplicationName: fixtureServerApplicationName,
      serverDataFolderName: '.vscode-server-oss',
      serverDownloadUrlTemplate: `http://127.0.0.1:${port}/commit:\${commit}/server-\${os}-\${arch}/\${quality}`,
    }),
  );

  let httpOpen = true;
  const stopHttp = async () => {
    if (!httpOpen) return;
    httpOpen = false;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    commit: serverProduct.commit,
    archive,
    clientProductPath,
    downloads: () => downloads,
    stopHttp,
    dispose: async () => {
      await stopHttp();
      await fs.rm(folder, { recursive: true, force: true });
    },
  };
}

/** Writes the archive in one pass over the cached files, with fast gzip, since it is about 160 MiB of input. */
async function packServerArchive(archive: string): Promise<void> {
  const pack = tar.pack(codeOssServerFolder, {
    entries: ['out', 'node_modules', 'package.json', 'product.json'],
    map: (header) => ({ ...header, name: `${archiveTopFolder}/${header.name}` }),
    finalize: false,
    finish: (stream) => {
      // Real archives have the built-in extensions here, and the server's --install-extension fails without the folder.
      stream.entry({ name: `${archiveTopFolder}/extensions`, type: 'directory', mode: 0o755 });
      stream.entry({ name: `${archiveTopFolder}/bin/${fixtureServerApplicationName}`, mode: 0o755 }, launcherScript, (error) => {
        if (error) {
          stream.destroy(error);
          return;
        }
        const node = stream.entry({ name: `${archiveTopFolder}/node`, mode: 0o755, size: statSync(process.execPath).size }, (nodeError) => {
          if (nodeError) {
            stream.destroy(nodeError);
            return;
          }
          stream.finalize();
        });
        createReadStream(process.execPath).pipe(node);
      });
    },
  });
  await pipeline(pack, zlib.createGzip({ level: 1 }), createWriteStream(archive));
}
