// Loads the files that esbuild embeds as text (scripts that run in the
// container: `*.sh` and `*.in-container.js`) as text under tsx too, so tests
// can import runtime modules that use them. Load it after tsx:
// `node --import tsx --import ./test/support/textAssets.mjs`.
import * as fs from 'node:fs';
import Module from 'node:module';

const extensions = Module._extensions;

function loadAsText(module, filename) {
  module.exports = { __esModule: true, default: fs.readFileSync(filename, 'utf8') };
}

extensions['.sh'] = loadAsText;

const loadJavaScript = extensions['.js'];
extensions['.js'] = (module, filename) => {
  if (filename.endsWith('.in-container.js')) {
    loadAsText(module, filename);
  } else {
    loadJavaScript(module, filename);
  }
};
