import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { type AttachEnvironment, chooseAttachMode } from '../../../extension/attachMode';

const remoteSsh = 'ms-vscode-remote.remote-ssh';

it('attach mode choice table', () => {
  const cases: Array<[Partial<AttachEnvironment>, ReturnType<typeof chooseAttachMode>]> = [
    // Web host: always the browser.
    [{ isWebHost: true }, { kind: 'attach', mode: 'browser', resolverBlockedNotice: false, settingIgnored: false }],
    [{ isWebHost: true, setting: 'resolver', resolverApi: 'allowed' }, { kind: 'attach', mode: 'browser', resolverBlockedNotice: false, settingIgnored: true }],
    [{ isWebHost: true, setting: 'ssh' }, { kind: 'attach', mode: 'browser', resolverBlockedNotice: false, settingIgnored: true }],
    // Desktop, auto.
    [{ resolverApi: 'allowed' }, { kind: 'attach', mode: 'resolver', resolverBlockedNotice: false, settingIgnored: false }],
    [{ resolverApi: 'blocked' }, { kind: 'attach', mode: 'ssh', resolverBlockedNotice: true, settingIgnored: false }],
    [{ resolverApi: 'absent' }, { kind: 'attach', mode: 'ssh', resolverBlockedNotice: false, settingIgnored: false }],
    [{ resolverApi: 'blocked', sshExtension: undefined }, { kind: 'missingSshExtension', resolverBlockedNotice: true }],
    [{ resolverApi: 'absent', sshExtension: undefined }, { kind: 'missingSshExtension', resolverBlockedNotice: false }],
    // Desktop, explicit settings.
    [{ setting: 'resolver', resolverApi: 'blocked' }, { kind: 'attach', mode: 'ssh', resolverBlockedNotice: true, settingIgnored: true }],
    [{ setting: 'ssh', resolverApi: 'allowed' }, { kind: 'attach', mode: 'ssh', resolverBlockedNotice: false, settingIgnored: false }],
    [{ setting: 'ssh', resolverApi: 'blocked' }, { kind: 'attach', mode: 'ssh', resolverBlockedNotice: false, settingIgnored: false }],
    [{ setting: 'ssh', sshExtension: undefined }, { kind: 'missingSshExtension', resolverBlockedNotice: false }],
    [{ setting: 'browser', resolverApi: 'allowed' }, { kind: 'attach', mode: 'browser', resolverBlockedNotice: false, settingIgnored: false }],
    [{ setting: 'browser', sshExtension: undefined }, { kind: 'attach', mode: 'browser', resolverBlockedNotice: false, settingIgnored: false }],
  ];

  for (const [overrides, expected] of cases) {
    const environment: AttachEnvironment = {
      setting: 'auto',
      isWebHost: false,
      resolverApi: 'absent',
      sshExtension: remoteSsh,
      ...overrides,
    };
    assert.deepEqual(chooseAttachMode(environment), expected, JSON.stringify(environment));
  }
});
