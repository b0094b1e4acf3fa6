// An esbuild plugin that keeps the CLI's start-up short. Loading dockerode
// evaluates its BuildKit session code (gRPC and protobuf, about 30 ms) and
// docker-modem's SSH transport (ssh2, about 35 ms) on every run, although
// the runtime uses the classic builder and most runs never use SSH.
//
// - dockerode's `./session` is replaced by a module that raises if called:
//   BuildKit sessions are only used by `buildImage` with `version: "2"`,
//   which the runtime never passes.
// - docker-modem's `require('./ssh')` is deferred until an ssh:// engine is
//   used, so DOCKER_HOST=ssh://... still works.
import * as fs from 'node:fs/promises';

const sessionStub = `module.exports = function withSession() {
  throw new Error('BuildKit sessions are not supported by this build; the classic builder is used.');
};`;

export const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\/session$/ }, (args) =>
      args.importer.includes('/dockerode/lib/') ? { path: 'dockerode-session-stub', namespace: 'lazy-modules' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-modules' }, () => ({ contents: sessionStub, loader: 'js' }));

    build.onLoad({ filter: /docker-modem[\\/]lib[\\/]modem\.js$/ }, async (args) => {
      const source = await fs.readFile(args.path, 'utf8');
      const eager = "ssh = require('./ssh'),";
      if (!source.includes(eager)) {
        throw new Error(`lazy-modules: ${args.path} no longer contains ${eager}; update scripts/build/lazyModules.mjs`);
      }
      const lazy = "ssh = function (options) { return require('./ssh')(options); },";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

// For dist/cli.js only: loading node:crypto took about 2 ms (Node 20, timed
// with performance.now() around require on a 2-core machine), and the warm
// path computes no hash because runtime/fast/validated.ts keeps the one it
// needs. So crypto loads on the first call of one of its functions instead of
// with the bundle. Importing anything from crypto that is not listed here
// fails the build.
const lazyCryptoExports = ['createHash', 'randomBytes'];

export const lazyCrypto = {
  name: 'lazy-crypto',
  setup(build) {
    build.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      // The deferring module's own require is the real crypto module.
      args.namespace === 'lazy-crypto' ? { path: 'node:crypto', external: true } : { path: 'crypto', namespace: 'lazy-crypto' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
      contents: lazyCryptoExports
        .map((name) => `export function ${name}(...args) { return require('node:crypto').${name}(...args); }`)
        .join('\n'),
      loader: 'js',
    }));
  },
};
