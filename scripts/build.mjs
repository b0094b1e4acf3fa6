// Bundles the runtime CLI and the extension (dist/extension.js) with esbuild.
// The CLI is three files: dist/cli.js, the entry, holds only the warm path of
// `up` and `exec` (runtime/fast), loads dist/cli-ssh.js for `ssh-proxy`, and
// loads dist/cli-full.js, the whole CLI, for every other run. Pass --production to minify, --watch to rebuild on
// change.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as esbuild from 'esbuild';
import { lazyCrypto, lazyModules } from './build/lazyModules.mjs';
import { generateValidators } from './build/validators.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

await generateValidators();

/** Digests the generated devcontainer.json validator: the schema, Ajv's version and its options. */
async function validatorDigest() {
  const code = await fs.readFile(new URL('../runtime/config/generated/validateDevcontainer.js', import.meta.url));
  return createHash('sha256').update(code).digest('hex').slice(0, 16);
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's UMD entry loads its parts with a dynamic require that a
  // bundle cannot follow; its ESM entry bundles cleanly.
  mainFields: ['module', 'main'],
  plugins: [lazyModules],
  // Files that run inside the container are embedded as text: shell scripts,
  // and JavaScript for the node binary copied into the container.
  loader: { '.sh': 'text', '.in-container.js': 'text' },
  // ssh2 and cpu-features carry optional native addons that dockerode loads
  // lazily; the bundle falls back to pure JavaScript without them.
  external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
  // The warm path trusts a configuration that passed the schema check
  // before only when the validator is the same (runtime/fast/validated.ts).
  define: { DEVCONTAINER_SCHEMA_DIGEST: JSON.stringify(await validatorDigest()) },
};

const builds = [
  {
    ...common,
    entryPoints: ['runtime/fast/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [...common.plugins, lazyCrypto],
  },
  {
    ...common,
    entryPoints: ['runtime/cli/main.ts'],
    outfile: 'dist/cli-full.js',
  },
  {
    // `ssh-proxy` on a running container, which dist/cli.js hands over to.
    ...common,
    entryPoints: ['runtime/bridge/ssh/warm.ts'],
    outfile: 'dist/cli-ssh.js',
  },
  {
    ...common,
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: [...common.external, 'vscode'],
  },
];

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
