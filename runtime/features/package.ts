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
  if (await exists(outputFolder)) {
    if (!options.forceCleanOutputFolder) {
      throw new ConfigurationError(`Output folder ${outputFolder} already exists. Delete it, or pass --force-clean-output-folder.`, { file: outputFolder });
    }
    await fs.rm(outputFolder, { recursive: true, force: true });
  }
  await fs.mkdir(outputFolder, { recursive: true });

  const folders = (await exists(path.join(target, featureManifestName))) ? [target] : await collectionFolders(target, options.logger);
  if (folders.length === 0) {
    throw new ConfigurationError(`${target} contains no Feature: no ${featureManifestName} in it or in its subfolders.`, { file: target });
  }

  const features: PackagedFeature[] = [];
  for (const folder of folders) {
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
    const archive = path.join(outputFolder, featureArchiveName(manifest.id));
    await fs.writeFile(archive, await packFolder(folder));
    options.logger.info(`Packaged Feature ${manifest.id} ${manifest.version} into ${archive}`);
    features.push({ manifest, archive });
  }

  const collectionFile = path.join(outputFolder, collectionFileName);
  const collection = { sourceInformation: { source: 'devcontainer-open' }, features: features.map((feature) => feature.manifest) };
  await fs.writeFile(collectionFile, JSON.stringify(collection, null, 4));
  return { features, collectionFile };
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
