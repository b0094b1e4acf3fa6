import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { createLogger, type LogRecord } from '../../../runtime/log';
import { lockDevContainer, parseLockOwner, staleReasonFor } from '../../../runtime/up/lock';

const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'up-lock-'));
const previous = process.env.XDG_CACHE_HOME;
process.env.XDG_CACHE_HOME = cacheHome;
after(() => {
  process.env.XDG_CACHE_HOME = previous;
  fs.rmSync(cacheHome, { recursive: true, force: true });
});

function recordingLogger() {
  const records: LogRecord[] = [];
  return { records, logger: createLogger('info', (record) => records.push(record)) };
}

function lockFolder(id: string): string {
  return path.join(cacheHome, 'devcontainer-open', 'locks', id);
}

/** Writes a lock as another process left it, with its owner file modified `ageMs` ago. */
function writeLock(id: string, content: string, ageMs = 0): string {
  const folder = lockFolder(id);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'pid'), content);
  const modified = new Date(Date.now() - ageMs);
  fs.utimesSync(path.join(folder, 'pid'), modified, modified);
  return folder;
}

const now = 1_000_000_000_000;

test('lock owner rules', () => {
  const owner = { pid: 42, startTime: '500', bootId: 'boot-a' };
  const host = { now, alive: true, bootId: 'boot-a', startTime: '500', bootTimeMs: now - 3_600_000 };
  assert.equal(staleReasonFor(owner, now - 1000, host), undefined);
  assert.match(String(staleReasonFor(owner, now - 1000, { ...host, alive: false })), /pid 42, is not running/);
  assert.match(String(staleReasonFor(owner, now - 1000, { ...host, bootId: 'boot-b' })), /before the system restarted/);
  assert.match(String(staleReasonFor(owner, now - 1000, { ...host, startTime: '900' })), /now belongs to another process/);
  assert.match(String(staleReasonFor(owner, now - 61_000, host)), /has not refreshed it for 61 s/);
});

test('lock without start time compares process start', () => {
  const owner = { pid: 1 };
  // Booted an hour ago; the process started 10 s after boot (1000 ticks), long before the lock.
  const host = { now, alive: true, startTime: '1000', bootTimeMs: now - 3_600_000 };
  assert.equal(staleReasonFor(owner, now - 1000, host), undefined);
  // The process started a minute after the lock was written: the pid was reused.
  const reused = { ...host, startTime: String((3_600_000 - 60_000) / 10) };
  assert.match(String(staleReasonFor(owner, now - 120_000, reused)), /started after the lock was taken/);
});

test('lock owner file parsing', () => {
  assert.deepEqual(parseLockOwner('12\n345\nabc\n'), { pid: 12, startTime: '345', bootId: 'abc' });
  assert.deepEqual(parseLockOwner('1\n'), { pid: 1, startTime: undefined, bootId: undefined });
  assert.equal(parseLockOwner('not a pid'), undefined);
});

test('lock of an unrefreshed live pid is taken over', async () => {
  // pid 1 runs, but nothing has refreshed the file for two minutes.
  const folder = writeLock('stale-live', '1\n', 120_000);
  const { records, logger } = recordingLogger();
  const release = await lockDevContainer('stale-live', { logger, maxWaitMs: 2000 });
  assert.match(records.map((record) => record.message).join('\n'), /Taking over the lock .*stale-live because its owner, pid 1, has not refreshed it/);
  assert.match(fs.readFileSync(path.join(folder, 'pid'), 'utf8'), new RegExp(`^${process.pid}\n`));
  await release();
  assert.equal(fs.existsSync(folder), false);
});

test('lock from an earlier boot is taken over', async () => {
  writeLock('old-boot', `${process.pid}\n\n00000000-0000-0000-0000-000000000000\n`);
  const { records, logger } = recordingLogger();
  const release = await lockDevContainer('old-boot', { logger, maxWaitMs: 2000 });
  assert.match(records.map((record) => record.message).join('\n'), /before the system restarted/);
  await release();
});

test('lock held by a live owner times out naming its folder', async () => {
  const { logger } = recordingLogger();
  const release = await lockDevContainer('held', { logger });
  await assert.rejects(lockDevContainer('held', { logger, maxWaitMs: 500 }), (error: Error) => {
    assert.match(error.message, new RegExp(`held the lock ${lockFolder('held').replace(/[/.]/g, '\\$&')} for more than 1 s`));
    assert.match(error.message, /delete that folder/);
    return true;
  });
  await release();
});

test('unwritable cache folder runs without the lock', async () => {
  const file = path.join(cacheHome, 'a-file');
  fs.writeFileSync(file, '');
  process.env.XDG_CACHE_HOME = file;
  try {
    const { records, logger } = recordingLogger();
    const release = await lockDevContainer('no-cache', { logger });
    await release();
    const warning = records.find((record) => record.level === 'warn');
    assert.match(String(warning?.message), /Running without the dev container lock, because creating .*a-file\/devcontainer-open\/locks failed/);
  } finally {
    process.env.XDG_CACHE_HOME = cacheHome;
  }
});
