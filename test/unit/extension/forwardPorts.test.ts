import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { portsToForward } from '../../../extension/resolver/forwardPorts';

it('forwardPorts entries with labels', () => {
  const result = portsToForward(
    [3000, 'db:5432', '8080', 'bad', 0, 70000, 'a b:1', { port: 1 }],
    { '3000': { label: 'Web' }, 'db:5432': { label: 'Database' }, '8080': { onAutoForward: 'silent' } },
  );
  assert.deepEqual(result.ports, [
    { host: 'localhost', port: 3000, label: 'Web' },
    { host: 'db', port: 5432, label: 'Database' },
    { host: 'localhost', port: 8080 },
  ]);
  assert.deepEqual(result.invalid, ['bad', 0, 70000, 'a b:1', { port: 1 }]);
});

it('forwardPorts missing or not a list', () => {
  assert.deepEqual(portsToForward(undefined, undefined), { ports: [], invalid: [] });
  assert.deepEqual(portsToForward('3000', []), { ports: [], invalid: [] });
});
