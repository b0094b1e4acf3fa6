import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * Loads a CommonJS bundle as `require` does, but with V8's code cache kept
 * in `${XDG_CACHE_HOME:-~/.cache}/devcontainer-open/code-cache`, so a later
 * run skips parsing and compiling it. Compiling the 1.7 MB dist/cli-ssh.js
 * took about 25 ms of every `ssh-proxy` run (node --cpu-prof, Node 20,
 * 2 cores). The cache is written when the process exits, so it also
 * contains the functions the run compiled. Node 20's V8 accepts a cache for
 * any source of the same length and then runs the cached code (checked with
 * vm.Script). So the cache file's name contains the bundle's path, size and
 * modification time, and the Node version and architecture. Any failure to
 * read or write the cache only costs the compile.
 */
export function requireWithCodeCache(file: string): unknown {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = codeCacheFile(file);
  let cachedData: Buffer | undefined;
  try {
    cachedData = cacheFile === undefined ? undefined : fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }

  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => writeCodeCache(cacheFile, script));
  }

  const loaded = new Module(file, module);
  loaded.filename = file;
  const localRequire = Module.createRequire(file);
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(loaded.exports, loaded.exports, localRequire, loaded, file, path.dirname(file));
  loaded.loaded = true;
  return loaded.exports;
}

function codeCacheFile(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  // No dashes in the bundle's name, so writeCodeCache can split the name into its parts.
  const bundle = `${path.basename(file).replace(/-/g, '_')}_${fnv1a(path.resolve(file))}`;
  const name = `${bundle}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}-${process.arch}.cache`;
  return path.join(base, 'devcontainer-open', 'code-cache', name);
}

function writeCodeCache(cacheFile: string, script: vm.Script): void {
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    // Written under a unique name and renamed, so a concurrent run never reads half a file.
    const temporary = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temporary, cacheFile);
    // Caches of earlier builds of the same bundle, for this Node, are never read again.
    const [bundle, , , ...runtime] = path.basename(cacheFile).split('-');
    const suffix = `-${runtime.join('-')}`;
    for (const name of fs.readdirSync(path.dirname(cacheFile))) {
      if (name.startsWith(`${bundle}-`) && name.endsWith(suffix) && name !== path.basename(cacheFile)) {
        fs.rmSync(path.join(path.dirname(cacheFile), name), { force: true });
      }
    }
  } catch {
    // Without the cache the next run compiles the bundle again.
  }
}

/** Returns the 32-bit FNV-1a hash of `text` in hex, which names a path without loading node:crypto. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const character of text) {
    hash ^= character.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
