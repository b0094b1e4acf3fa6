import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');

/** Lists the TypeScript sources under a folder and its subfolders. */
function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(file);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/** Collects the literal messages passed to `vscode.l10n.t` in the extension's sources. */
function messagesInSource(): Set<string> {
  const messages = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'extension'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/l10n\.t\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
      messages.add(match[2].replace(/\\(['"`\\])/g, '$1'));
    }
  }
  return messages;
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
}

test('l10n bundle has every message', () => {
  const bundle = readJson(path.join('l10n', 'bundle.l10n.json'));
  const missing = [...messagesInSource()].filter((message) => !(message in bundle));
  assert.deepEqual(missing, []);
});

test('l10n bundle has no stale message', () => {
  const messages = messagesInSource();
  const stale = Object.keys(readJson(path.join('l10n', 'bundle.l10n.json'))).filter((message) => !messages.has(message));
  assert.deepEqual(stale, []);
});

test('package.nls.json has every manifest key', () => {
  const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
  const nls = readJson('package.nls.json');
  const missing = [...manifest.matchAll(/"%([^"%]+)%"/g)].map((match) => match[1]).filter((key) => !(key in nls));
  assert.deepEqual(missing, []);
});
