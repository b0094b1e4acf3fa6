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
  const filter = await readDockerignore(contextFolder);

  return tar.pack(contextFolder, {
    ignore: (name: string) => {
      const relative = path.relative(contextFolder, name).split(path.sep).join('/');
      return relative !== '' && filter.ignores(relative);
    },
    finalize: false,
    finish: (pack) => {
      pack.entry({ name: options.dockerfileName, mode: 0o644 }, options.dockerfileText);
      for (const [name, content] of Object.entries(options.extraFiles ?? {})) {
        pack.entry({ name, mode: 0o644 }, content);
      }
      pack.finalize();
    },
  }) as unknown as Readable;
}

async function readDockerignore(contextFolder: string): Promise<ReturnType<typeof dockerignore>> {
  const filter = dockerignore();
  try {
    const text = await fs.readFile(path.join(contextFolder, '.dockerignore'), 'utf8');
    filter.add(text.split(/\r?\n/));
  } catch {
    // No .dockerignore: the whole folder is the context.
  }
  return filter;
}
