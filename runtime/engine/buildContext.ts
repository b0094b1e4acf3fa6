import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import * as tar from 'tar-fs';

export interface BuildContextOptions {
  /** Folder sent to the engine as the build context. */
  contextFolder: string;
  /** Dockerfile text, added to the archive under `dockerfileName`. */
  dockerfileText: string;
  /** Archive path of the Dockerfile; must not clash with a context file. */
  dockerfileName: string;
  /** Extra files to add at the archive root, name to content. */
  extraFiles?: Record<string, string | Buffer>;
}

/**
 * Streams a build context as tar, leaving out what `.dockerignore` excludes.
 * The Dockerfile is added as its own entry, so a Dockerfile outside the
 * context folder (allowed by devcontainer.json) builds with the classic
 * builder, which only reads the Dockerfile from the archive.
 */
export async function packBuildContext(options: BuildContextOptions): Promise<Readable> {
  const contextFolder = path.resolve(options.contextFolder);
  const ignoreText = await readDockerignore(contextFolder);
  const filter = dockerignore().add(ignoreText.split(/\r?\n/));

  return tar.pack(contextFolder, {
    ignore: (name: string) => {
      const relative = path.relative(contextFolder, name).split(path.sep).join('/');
      if (relative === '') return false;
      // Replaced by the entry written in `finish` below.
      if (relative === '.dockerignore') return true;
      return filter.ignores(relative) || isSpecialFile(name);
    },
    finalize: false,
    finish: (pack) => {
      pack.entry({ name: options.dockerfileName, mode: 0o644 }, options.dockerfileText);
      // The engine drops the Dockerfile and .dockerignore from the context
      // when .dockerignore lists them, so `COPY .` copies neither the added
      // Dockerfile nor a .dockerignore the workspace does not have.
      const added = ignoreText === '' ? ['.dockerignore', options.dockerfileName] : [options.dockerfileName];
      pack.entry({ name: '.dockerignore', mode: 0o644 }, `${ignoreText}\n${added.join('\n')}\n`);
      for (const [name, content] of Object.entries(options.extraFiles ?? {})) {
        pack.entry({ name, mode: 0o644 }, content);
      }
      pack.finalize();
    },
  }) as unknown as Readable;
}

/**
 * True for FIFOs, sockets and device files, which a build context cannot
 * carry; they are left out, as the docker CLI does.
 */
function isSpecialFile(name: string): boolean {
  try {
    const stat = fsSync.lstatSync(name);
    return stat.isFIFO() || stat.isSocket() || stat.isBlockDevice() || stat.isCharacterDevice();
  } catch {
    return false;
  }
}

async function readDockerignore(contextFolder: string): Promise<string> {
  try {
    return await fs.readFile(path.join(contextFolder, '.dockerignore'), 'utf8');
  } catch {
    // No .dockerignore: the whole folder is the context.
    return '';
  }
}
