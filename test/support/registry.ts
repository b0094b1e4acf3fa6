import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export interface LoopbackRegistry {
  /** `127.0.0.1:PORT`, the registry part of image and Feature references. */
  address: string;
  stop(): void;
}

export interface RegistryOptions {
  /** Folder for the config, htpasswd file and storage; the caller removes it. */
  folder: string;
  username: string;
  password: string;
  /** htpasswd realm, named in the registry's 401 replies. */
  realm: string;
}

/** Returns a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts Debian's docker-registry on 127.0.0.1 with htpasswd authentication
 * and resolves once it replies (401 to an anonymous `/v2/`).
 */
export async function startLoopbackRegistry(options: RegistryOptions): Promise<LoopbackRegistry> {
  const htpasswd = execFileSync('htpasswd', ['-Bbn', options.username, options.password]).toString();
  fs.writeFileSync(path.join(options.folder, 'htpasswd'), htpasswd);
  return serveRegistry(options.folder, `auth: { htpasswd: { realm: ${options.realm}, path: ${path.join(options.folder, 'htpasswd')} } }`);
}

/**
 * Writes `registry.yml` with the given `auth:` line into the folder, starts
 * Debian's docker-registry with it on a free 127.0.0.1 port, and resolves
 * once it replies 401 to an anonymous `/v2/`.
 */
export async function serveRegistry(folder: string, authLine: string): Promise<LoopbackRegistry> {
  const address = `127.0.0.1:${await freePort()}`;
  fs.writeFileSync(
    path.join(folder, 'registry.yml'),
    [
      'version: 0.1',
      'log: { level: warn, accesslog: { disabled: true } }',
      `storage: { filesystem: { rootdirectory: ${path.join(folder, 'data')} } }`,
      `http: { addr: "${address}" }`,
      authLine,
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', path.join(folder, 'registry.yml')], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 100; attempt++) {
    const status = await fetch(`http://${address}/v2/`).then((response) => response.status, () => 0);
    if (status === 401) {
      return { address, stop: () => child.kill() };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`docker-registry did not reply on ${address} within 10 s`);
}
