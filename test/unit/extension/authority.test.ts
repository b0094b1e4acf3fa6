import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthorityError, decodeAuthority, encodeAuthority, locationHash } from '../../../extension/resolver/authority';

describe('remote authority', () => {
  it('round trips odd paths', () => {
    const locations = [
      { workspaceFolder: '/home/me/project', configFile: '/home/me/project/.devcontainer/devcontainer.json' },
      { workspaceFolder: '/tmp/a b "c" +d%e', configFile: '/tmp/a b "c" +d%e/.devcontainer.json' },
      { workspaceFolder: 'C:\\Users\\Zoë\\проект', configFile: 'C:\\Users\\Zoë\\проект\\.devcontainer\\x\\devcontainer.json' },
    ];
    for (const location of locations) {
      const authority = encodeAuthority(location);
      assert.match(authority, /^devcontainer-open\+[0-9a-f]+$/);
      assert.deepEqual(decodeAuthority(authority), location);
    }
  });

  it('rejects foreign authorities', () => {
    for (const authority of [
      'ssh-remote+host',
      'devcontainer-open+',
      'devcontainer-open+abc',
      'devcontainer-open+zz',
      `devcontainer-open+${Buffer.from('not json').toString('hex')}`,
      `devcontainer-open+${Buffer.from('{"workspaceFolder":"/a"}').toString('hex')}`,
    ]) {
      assert.throws(() => decodeAuthority(authority), AuthorityError, authority);
    }
  });

  it('hash is short and stable', () => {
    const location = { workspaceFolder: '/w', configFile: '/w/.devcontainer.json' };
    assert.match(locationHash(location), /^[0-9a-f]{12}$/);
    assert.equal(locationHash(location), locationHash({ ...location }));
    assert.notEqual(locationHash(location), locationHash({ ...location, configFile: '/w/.devcontainer/devcontainer.json' }));
  });
});
