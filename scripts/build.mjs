// Bundles the runtime CLI (dist/cli.js) and the extension (dist/extension.js)
// with esbuild. Pass --production to minify, --watch to rebuild on change.
import * as esbuild from 'esbuild';
import { lazyModules } from './build/lazyModules.mjs';
import { generateValidators } from './build/validators.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

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
};

const builds = [
  {
    ...common,
    entryPoints: ['runtime/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: [...common.external, 'vscode'],
  },
];

await generateValidators();

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
