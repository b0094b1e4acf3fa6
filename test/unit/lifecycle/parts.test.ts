import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCommandParts } from '../../../runtime/lifecycle/parts';
import { createLogger, type LogRecord } from '../../../runtime/log';
import { EnvironmentError } from '../../../runtime/errors';

function setup(exitCodes: Record<string, number> = {}) {
  const records: LogRecord[] = [];
  const calls: string[][] = [];
  const logger = createLogger('info', (record) => records.push(record));
  const runPart = async (argv: string[], output: NodeJS.WritableStream) => {
    calls.push(argv);
    output.write(`out of ${argv[argv.length - 1]}\n`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return exitCodes[argv[argv.length - 1]] ?? 0;
  };
  return { records, calls, logger, runPart };
}

test('string form runs through sh -c', async () => {
  const { calls, logger, runPart } = setup();
  await runCommandParts({ name: 'postCreateCommand', origin: 'devcontainer.json', command: 'echo $HOME', logger, runPart });
  assert.deepEqual(calls, [['/bin/sh', '-c', 'echo $HOME']]);
});

test('array form runs without a shell', async () => {
  const { calls, logger, runPart } = setup();
  await runCommandParts({ name: 'postCreateCommand', origin: 'devcontainer.json', command: ['touch', 'a $HOME'], logger, runPart });
  assert.deepEqual(calls, [['touch', 'a $HOME']]);
});

test('object form runs parts in parallel, labelled', async () => {
  const { calls, records, logger, runPart } = setup();
  await runCommandParts({ name: 'postCreateCommand', origin: 'devcontainer.json', command: { one: 'a', two: ['b'] }, logger, runPart });
  assert.equal(calls.length, 2);
  const lines = records.map((record) => record.message);
  assert.ok(lines.includes('postCreateCommand:one: out of a'));
  assert.ok(lines.includes('postCreateCommand:two: out of b'));
});

test('failure names command, origin and exit code', async () => {
  const { logger, runPart } = setup({ bad: 3 });
  await assert.rejects(
    runCommandParts({ name: 'postStartCommand', origin: 'Feature "node"', command: { good: 'ok', broken: 'bad' }, logger, runPart }),
    (error: Error) => {
      assert.ok(error instanceof EnvironmentError);
      assert.match(error.message, /postStartCommand:broken from Feature "node" failed with exit code 3/);
      assert.match(error.message, /out of bad/);
      return true;
    },
  );
});

test('command line stays out of the log', async () => {
  const records: LogRecord[] = [];
  const logger = createLogger('trace', (record) => records.push(record));
  const runPart = async () => 0;
  // The text after substitution of ${localEnv:TOKEN}.
  await runCommandParts({ name: 'postCreateCommand', origin: 'devcontainer.json', command: 'echo s3cr3t-value > /tmp/tok', logger, runPart });
  await runCommandParts({ name: 'postStartCommand', origin: 'devcontainer.json', command: ['printf', 's3cr3t-value'], logger, runPart });
  const text = JSON.stringify(records);
  assert.ok(!text.includes('s3cr3t-value'), text);
  assert.ok(records.some((record) => record.message === 'Running postCreateCommand from devcontainer.json'));
});
