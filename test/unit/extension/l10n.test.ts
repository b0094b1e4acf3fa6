import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');

/** Collects the literal messages passed to `vscode.l10n.t` in the extension's sources. */
function messagesInSource(): Set<string> {
  const messages = new Set<string>();
  const folder = path.join(root, 'extension');
  for (const file of fs.readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(folder, file), 'utf8');
    for (const match of text.matchAll(/l10n\.t\(\s*(['`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
      messages.add(match[2].replace(/\\(['`\\])/g, '$1'));
    }
  }
  return messages;
}

test('l10n bundle has every message', () => {
  const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
  const missing = [...messagesInSource()].filter((message) => !(message in bundle));
  assert.deepEqual(missing, []);
});
