import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { ConfigurationError } from '../errors';
import type { Logger } from '../log';
import { featureManifestName, readFeatureManifest } from './manifestFile';
import type { FeatureManifest } from './types';

export const collectionFileName = 'devcontainer-collection.json';

export interface PackageOptions {
  /** A Feature folder, or a collection's `src` folder with one Feature per subfolder. */
  target: string;
  outputFolder: string;
  /** Delete an existing output folder first; without it an existing folder is an error. */
  forceCleanOutputFolder?: boolean;
  logger: Logger;
}

export interface PackagedFeature {
  manifest: FeatureManifest;
  /** Path of `devcontainer-feature-<id>.tgz` in the output folder. */
  archive: string;
  /** Path of the source devcontainer-feature.json, for errors. */
  manifestFile: string;
}

export interface PackageResult {
  features: PackagedFeature[];
  /** Path of devcontainer-collection.json in the output folder. */
  collectionFile: string;
}

/** Returns the archive name the distribution spec uses for a Feature. */
export function featureArchiveName(id: string): string {
  return `devcontainer-feature-${id}.tgz`;
}

/**
 * Packages Features as the distribution spec describes: one tar archive per
 * Feature with its folder's files at the root, plus devcontainer-collection.json
 * listing every packaged Feature's devcontainer-feature.json. Each Feature
 * needs `id`, `version`, `name` and an install.sh.
 */
export async function packageFeatures(options: PackageOptions): Promise<PackageResult> {
  const target = path.resolve(options.target);
  const outputFolder = path.resolve(options.outputFolder);
  if (!(await isDirectory(target))) {
    throw new ConfigurationError(`Feature folder ${target} does not exist. Pass a Feature folder or a collection's src folder.`, { file: target });
  }
  await assertOutputOutsideTarget(target, outputFolder);

  const folders = (await exists(path.join(target, featureManifestName))) ? [target] : await collectionFolders(target, options.logger);
  if (folders.length === 0) {
    throw new ConfigurationError(`${target} contains no Feature: no ${featureManifestName} in it or in its subfolders.`, { file: target });
  }
  // Every Feature is read and checked before the output folder is touched.
  const sources: { folder: string; manifest: FeatureManifest }[] = [];
  for (const folder of folders) {
    sources.push({ folder, manifest: await readPackageableManifest(folder) });
  }
  assertUniqueIds(sources);

  if (await exists(outputFolder)) {
    if (!options.forceCleanOutputFolder) {
      throw new ConfigurationError(`Output folder ${outputFolder} already exists. Delete it, or pass --force-clean-output-folder.`, { file: outputFolder });
    }
    await fs.rm(outputFolder, { recursive: true, force: true });
  }
  await fs.mkdir(outputFolder, { recursive: true });

  const features: PackagedFeature[] = [];
  for (const { folder, manifest } of sources) {
    const archive = path.join(outputFolder, featureArchiveName(manifest.id));
    await fs.writeFile(archive, await packFolder(folder));
    options.logger.info(`Packaged Feature ${manifest.id} ${manifest.version} into ${archive}`);
    features.push({ manifest, archive, manifestFile: path.join(folder, featureManifestName) });
  }

  const collectionFile = path.join(outputFolder, collectionFileName);
  const collection = { sourceInformation: { source: 'devcontainer-open' }, features: features.map((feature) => feature.manifest) };
  await fs.writeFile(collectionFile, JSON.stringify(collection, null, 4));
  return { features, collectionFile };
}

async function readPackageableManifest(folder: string): Promise<FeatureManifest> {
  const manifest = await readFeatureManifest(folder, folder);
  for (const key of ['id', 'version', 'name'] as const) {
    if (!manifest[key]) {
      throw new ConfigurationError(`${path.join(folder, featureManifestName)} has no "${key}"; packaging needs id, version and name.`, {
        file: path.join(folder, featureManifestName),
        jsonPath: key,
      });
    }
  }
  if (!(await exists(path.join(folder, 'install.sh')))) {
    throw new ConfigurationError(`Feature ${manifest.id} in ${folder} has no install.sh.`, { file: folder });
  }
  return manifest;
}

/**
 * Rejects two Features that would be packaged or published under the same
 * name: the same `id`, or an id that is also another Feature's legacy id.
 * Each would overwrite the other's archive and registry tags.
 */
export function assertUniqueIds(sources: { folder: string; manifest: FeatureManifest }[]): void {
  const owners = new Map<string, string>();
  for (const { folder, manifest } of sources) {
    const names = [manifest.id, ...(manifest.legacyIds ?? []).filter((legacyId) => legacyId !== manifest.id)];
    for (const name of names) {
      const other = owners.get(name);
      if (other !== undefined && other !== folder) {
        throw new ConfigurationError(
          `Feature id "${name}" is used by both ${path.join(other, featureManifestName)} and ${path.join(folder, featureManifestName)}. ` +
            'Each Feature of a collection needs its own id (and legacyIds); rename one of them.',
          { file: path.join(folder, featureManifestName), jsonPath: name === manifest.id ? 'id' : 'legacyIds' },
        );
      }
      owners.set(name, folder);
    }
  }
}

/**
 * Rejects an output folder that is the target, contains it or is inside it,
 * because --force-clean-output-folder would delete the Feature's own files and
 * packing would read the archives being written. Paths are compared after
 * resolving symbolic links.
 */
async function assertOutputOutsideTarget(target: string, outputFolder: string): Promise<void> {
  const realTarget = await fs.realpath(target);
  const realOutput = await realpathOfPossiblyMissing(outputFolder);
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(outer.endsWith(path.sep) ? outer : outer + path.sep);
  let relation: string | undefined;
  if (realOutput === realTarget) relation = 'is';
  else if (within(realTarget, realOutput)) relation = 'contains';
  else if (within(realOutput, realTarget)) relation = 'is inside';
  if (relation) {
    throw new ConfigurationError(
      `Output folder ${outputFolder} ${relation} the Feature folder ${target}; nothing was written or deleted. ` +
        'Pass an --output-folder outside the folder you package, for example ./output next to src.',
      { file: outputFolder },
    );
  }
}

/** Resolves symbolic links in the longest existing prefix of `file` and appends the rest. */
async function realpathOfPossiblyMissing(file: string): Promise<string> {
  const missing: string[] = [];
  let current = file;
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...missing);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return file;
      missing.unshift(path.basename(current));
      current = parent;
    }
  }
}

async function collectionFolders(target: string, logger: Logger): Promise<string[]> {
  const folders: string[] = [];
  for (const entry of (await fs.readdir(target, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const folder = path.join(target, entry.name);
    if (await exists(path.join(folder, featureManifestName))) folders.push(folder);
    else logger.warn(`Skipping ${folder}: it has no ${featureManifestName}.`);
  }
  return folders;
}

/**
 * Packs a folder as an uncompressed tar with `./`-relative names, in sorted
 * order and with owner 0:0, so the same files always give the same bytes
 * apart from their modification times.
 */
export async function packFolder(folder: string): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });

  const walk = async (relative: string): Promise<void> => {
    const entries = (await fs.readdir(path.join(folder, relative), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      const full = path.join(folder, name);
      const stat = await fs.lstat(full);
      const header = { name: `./${name}`, mode: stat.mode & 0o777, mtime: stat.mtime, uid: 0, gid: 0 };
      if (entry.isDirectory()) {
        pack.entry({ ...header, type: 'directory' });
        await walk(name);
      } else if (entry.isSymbolicLink()) {
        pack.entry({ ...header, type: 'symlink', linkname: await fs.readlink(full) });
      } else if (entry.isFile()) {
        pack.entry(header, await fs.readFile(full));
      }
    }
  };
  await walk('');
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function isDirectory(folder: string): Promise<boolean> {
  return fs.stat(folder).then(
    (stat) => stat.isDirectory(),
    () => false,
  );
}
