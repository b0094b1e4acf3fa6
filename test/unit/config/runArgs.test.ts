import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type Dockerode from 'dockerode';
import { applyRunArgs, parseRunArgs, type RunArgsContext, type RunArgsOptions } from '../../../runtime/config/runArgs';
import { parseByteSize, parseNanoCpus } from '../../../runtime/config/runArgs/units';
import { ConfigurationError } from '../../../runtime/errors';

const folder = '/home/me/proj/.devcontainer';
const file = `${folder}/devcontainer.json`;
const hostEnv = { HOME: '/home/me', FROM_HOST: 'host value', EMPTY_ON_HOST: '' };

function parse(args: string[], extra: Partial<RunArgsContext> = {}): RunArgsOptions {
  const readFile = (path: string): string => {
    throw new Error(`unexpected read of ${path}`);
  };
  return parseRunArgs(args, { file, hostEnv, readFile, ...extra });
}

/** Asserts that parsing fails with a ConfigurationError at runArgs[index] whose message matches every pattern. */
function assertRejected(args: string[], index: number, ...patterns: RegExp[]): ConfigurationError {
  let caught: unknown;
  try {
    parse(args);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigurationError, `${JSON.stringify(args)} should be rejected, got ${String(caught)}`);
  assert.equal(caught.location?.file, file, JSON.stringify(args));
  assert.equal(caught.location?.jsonPath, `runArgs[${index}]`, `${JSON.stringify(args)}: ${caught.message}`);
  assert.ok(caught.message.includes(file), caught.message);
  for (const pattern of patterns) {
    assert.match(caught.message, pattern, JSON.stringify(args));
  }
  return caught;
}

/** Returns each way docker accepts a flag with a value: --flag=value and --flag value, plus -fvalue and -f=value for one letter. */
function spellingsOf(flag: string, value: string): string[][] {
  if (flag.startsWith('--')) {
    return [[`${flag}=${value}`], [flag, value]];
  }
  return [[flag, value], [`${flag}${value}`], [`${flag}=${value}`]];
}

interface FlagCase {
  flags: string[];
  value: string;
  expected: Partial<RunArgsOptions>;
}

const flagCases: FlagCase[] = [
  { flags: ['--name'], value: 'my-box_1.dev', expected: { name: 'my-box_1.dev' } },
  { flags: ['--hostname', '-h'], value: 'devbox', expected: { hostname: 'devbox' } },
  { flags: ['--user', '-u'], value: '1000:1000', expected: { user: '1000:1000' } },
  { flags: ['--workdir', '-w'], value: '/workspaces/app', expected: { workingDir: '/workspaces/app' } },
  { flags: ['--entrypoint'], value: '/bin/bash', expected: { entrypoint: ['/bin/bash'] } },
  { flags: ['--label', '-l'], value: 'com.example.team=dev tools', expected: { labels: { 'com.example.team': 'dev tools' } } },
  { flags: ['--env', '-e'], value: "X='kept quotes'", expected: { env: ["X='kept quotes'"] } },
  { flags: ['--volume', '-v'], value: '/host/data:/data:ro', expected: { binds: ['/host/data:/data:ro'] } },
  {
    flags: ['--mount'],
    value: 'type=volume,source=cache,target=/cache',
    expected: { mounts: [{ Type: 'volume', Source: 'cache', Target: '/cache' }] },
  },
  { flags: ['--tmpfs'], value: '/run:rw,size=64m', expected: { tmpfs: { '/run': 'rw,size=64m' } } },
  {
    flags: ['--publish', '-p'],
    value: '8080:80',
    expected: { exposedPorts: ['80/tcp'], portBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } },
  },
  { flags: ['--network', '--net'], value: 'my-net', expected: { networks: ['my-net'] } },
  { flags: ['--add-host'], value: 'db:10.0.0.5', expected: { extraHosts: ['db:10.0.0.5'] } },
  { flags: ['--cap-add'], value: 'SYS_PTRACE', expected: { capAdd: ['SYS_PTRACE'] } },
  { flags: ['--cap-drop'], value: 'NET_RAW', expected: { capDrop: ['NET_RAW'] } },
  { flags: ['--security-opt'], value: 'seccomp=unconfined', expected: { securityOpt: ['seccomp=unconfined'] } },
  { flags: ['--ipc'], value: 'host', expected: { ipcMode: 'host' } },
  { flags: ['--pid'], value: 'host', expected: { pidMode: 'host' } },
  { flags: ['--userns'], value: 'host', expected: { usernsMode: 'host' } },
  {
    flags: ['--device'],
    value: '/dev/fuse',
    expected: { devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }] },
  },
  { flags: ['--gpus'], value: 'all', expected: { deviceRequests: [{ Count: -1, Options: {}, Capabilities: [['gpu']] }] } },
  { flags: ['--shm-size'], value: '64m', expected: { shmSize: 64 * 1024 * 1024 } },
  { flags: ['--memory', '-m'], value: '4g', expected: { memory: 4 * 1024 ** 3 } },
  { flags: ['--cpus'], value: '1.5', expected: { nanoCpus: 1_500_000_000 } },
  { flags: ['--ulimit'], value: 'nofile=1024:4096', expected: { ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }] } },
  { flags: ['--sysctl'], value: 'net.ipv4.ip_forward=1', expected: { sysctls: { 'net.ipv4.ip_forward': '1' } } },
];

test('runArgs maps every flag in every spelling', () => {
  for (const { flags, value, expected } of flagCases) {
    for (const flag of flags) {
      for (const args of spellingsOf(flag, value)) {
        const options = parse(args);
        for (const [key, expectedValue] of Object.entries(expected)) {
          assert.deepEqual(options[key as keyof RunArgsOptions], expectedValue, `${JSON.stringify(args)} → ${key}`);
        }
      }
    }
  }
});

test('runArgs flags missing their value', () => {
  for (const { flags } of flagCases) {
    for (const flag of flags) {
      assertRejected(['--init', flag], 1, new RegExp(`Flag ${flag} in runArgs\\[1\\]`), /needs a value/);
    }
  }
});

test('runArgs empty array', () => {
  const options = parse([]);
  assert.deepEqual(options.env, []);
  assert.deepEqual(options.binds, []);
  assert.equal(options.name, undefined);
  assert.equal(options.privileged, undefined);
  assert.equal(options.unconfinedSystemPaths, false);
});

test('runArgs boolean flags', () => {
  const cases: Array<[string[], Partial<RunArgsOptions>]> = [
    [['--privileged'], { privileged: true }],
    [['--privileged=false'], { privileged: false }],
    [['--privileged=0'], { privileged: false }],
    [['--privileged=T'], { privileged: true }],
    [['--init'], { init: true }],
    [['--init=False'], { init: false }],
    [['--init', '--init=false'], { init: false }],
  ];
  for (const [args, expected] of cases) {
    const options = parse(args);
    assert.equal(options.privileged, expected.privileged, JSON.stringify(args));
    assert.equal(options.init, expected.init, JSON.stringify(args));
  }

  assertRejected(['--privileged=yes'], 0, /Invalid --privileged/, /"yes" is not a boolean/);
  // A boolean flag never takes the next element, so "false" is a stray argument, as in docker.
  assertRejected(['--init', 'false'], 1, /Unexpected argument "false"/);
});

test('runArgs ignores lifetime flags', () => {
  const ignored = [
    ['-it'], ['-i'], ['-t'], ['-d'], ['-itd'], ['--interactive'], ['--tty'], ['--rm'], ['--detach'],
    ['--rm=false'], ['--tty=true'], ['-i=false'],
  ];
  for (const args of ignored) {
    assert.deepEqual(parse(args), parse([]), JSON.stringify(args));
  }
  assertRejected(['--rm=maybe'], 0, /Invalid --rm/);
  assertRejected(['-t=maybe'], 0, /Invalid -t \(--tty\)/);
});

test('runArgs groups of one-letter flags', () => {
  assert.deepEqual(parse(['-ite', 'X=1']).env, ['X=1']);
  assert.deepEqual(parse(['-iteX=1']).env, ['X=1']);
  assert.deepEqual(parse(['-ite=X=1']).env, ['X=1']);
  assert.deepEqual(parse(['-itp8080:80']).exposedPorts, ['80/tcp']);
  assert.deepEqual(parse(['-e=X=a=b']).env, ['X=a=b']);
  assertRejected(['-ie'], 0, /Flag -e in runArgs\[0\]/, /needs a value/);
  assertRejected(['-itx'], 0, /Unsupported flag -x \(in "-itx"\)/);
});

test('runArgs elements are verbatim', () => {
  assert.deepEqual(parse(['-e', 'GREETING=hello  world ']).env, ['GREETING=hello  world ']);
  assert.deepEqual(parse(['--env=Q="double" and \'single\'']).env, ['Q="double" and \'single\'']);
  assert.deepEqual(parse(['--entrypoint', '/bin/sh -c']).entrypoint, ['/bin/sh -c']);
  assert.deepEqual(parse(['--label', 'note=a "quoted" value']).labels, { note: 'a "quoted" value' });
  assert.deepEqual(parse(['-v', '/host/My Files:/data']).binds, ['/host/My Files:/data']);
  // A flag that takes a value consumes the next element even when it starts with a dash, as in docker.
  const options = parse(['--hostname', '--init']);
  assert.equal(options.hostname, '--init');
  assert.equal(options.init, undefined);
});

test('runArgs rejects shell-style elements', () => {
  assertRejected(['--memory 4g'], 0, /without shell splitting/, /Write "--memory", "4g" or "--memory=4g"/);
  assertRejected(['--init', '-e FOO=1'], 1, /Invalid element "-e FOO=…"/, /Write "-e", "FOO=…"/);
  assertRejected(['-p 8080:80'], 0, /Write "-p", "8080:80"/);
});

test('runArgs env from host', () => {
  assert.deepEqual(parse(['-e', 'FROM_HOST']).env, ['FROM_HOST=host value']);
  assert.deepEqual(parse(['-e', 'EMPTY_ON_HOST']).env, ['EMPTY_ON_HOST=']);
  assert.deepEqual(parse(['-e', 'NOT_ON_HOST']).env, []);
  assert.deepEqual(parse(['-e', 'SET_EMPTY=']).env, ['SET_EMPTY=']);
  assertRejected(['-e', '=value'], 0, /Invalid -e \(--env\)/, /variable name is empty/);

  process.env.RUN_ARGS_TEST_VARIABLE = 'from process';
  try {
    const options = parseRunArgs(['-e', 'RUN_ARGS_TEST_VARIABLE'], { file });
    assert.deepEqual(options.env, ['RUN_ARGS_TEST_VARIABLE=from process']);
  } finally {
    delete process.env.RUN_ARGS_TEST_VARIABLE;
  }
});

function withTempConfig(run: (configFile: string, configFolder: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'run-args-'));
  try {
    const configFolder = join(root, '.devcontainer');
    mkdirSync(configFolder);
    run(join(configFolder, 'devcontainer.json'), configFolder);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('runArgs env-file format', () => {
  withTempConfig((configFile, configFolder) => {
    const lines = [
      '\uFEFF# a comment',
      '',
      '   ',
      '  INDENTED=1',
      'QUOTED="kept"',
      "SINGLE='kept too'",
      'SPACES=  a b  ',
      'CRLF=windows\r',
      'EMPTY=',
      'WITH_EQUALS=a=b',
      'FROM_HOST',
      'NOT_ON_HOST',
      '\t# indented comment',
      'HASH=#not a comment',
    ];
    writeFileSync(join(configFolder, 'dev.env'), lines.join('\n'));

    const options = parseRunArgs(['--env-file', 'dev.env'], { file: configFile, hostEnv });
    assert.deepEqual(options.env, [
      'INDENTED=1',
      'QUOTED="kept"',
      "SINGLE='kept too'",
      'SPACES=  a b  ',
      'CRLF=windows',
      'EMPTY=',
      'WITH_EQUALS=a=b',
      'FROM_HOST=host value',
      'HASH=#not a comment',
    ]);
  });
});

test('runArgs env-file paths and order', () => {
  withTempConfig((configFile, configFolder) => {
    writeFileSync(join(configFolder, 'a.env'), 'A=from file\nB=from file\n');
    const absolute = join(configFolder, '..', 'b.env');
    writeFileSync(absolute, 'C=absolute\n');

    const options = parseRunArgs(['-e', 'A=from flag', '--env-file', 'a.env', '--env-file=../b.env', '--env-file', absolute], {
      file: configFile,
      hostEnv,
    });
    // Every env-file entry comes before every -e, whatever the order in runArgs.
    assert.deepEqual(options.env, ['A=from file', 'B=from file', 'C=absolute', 'C=absolute', 'A=from flag']);
    const merged = applyRunArgs({ Env: [] }, options);
    assert.deepEqual(merged.Env, ['B=from file', 'C=absolute', 'A=from flag']);
  });
});

test('runArgs env-file errors hide values', () => {
  withTempConfig((configFile, configFolder) => {
    const secret = 'hunter2-secret-value';
    const cases: Array<[string, RegExp]> = [
      [`# ok\nexport TOKEN=${secret}\n`, /line 2 .* contains whitespace/],
      [`=${secret}\n`, /line 1 .* has no variable name/],
      [`A=1\nTOKEN =${secret}\n`, /line 2 .* contains whitespace/],
    ];
    for (const [content, pattern] of cases) {
      writeFileSync(join(configFolder, 'bad.env'), content);
      let caught: unknown;
      try {
        parseRunArgs(['--init', '--env-file', 'bad.env'], { file: configFile, hostEnv });
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof ConfigurationError, content);
      assert.equal(caught.location?.jsonPath, 'runArgs[1]');
      assert.match(caught.message, /Invalid --env-file in runArgs\[1\]/);
      assert.match(caught.message, pattern);
      assert.ok(!caught.message.includes(secret), caught.message);
    }

    assert.throws(
      () => parseRunArgs(['--env-file', 'missing.env'], { file: configFile }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        error.message.includes(join(configFolder, 'missing.env')) &&
        /reading .* failed/.test(error.message) &&
        /relative to|resolved against the folder/.test(error.message),
    );
  });
});

test('runArgs env errors hide values', () => {
  const secret = 'hunter2-secret-value';
  const errors = [
    assertRejected(['-e', `=${secret}`], 0),
    assertRejected([`-e TOKEN=${secret}`], 0),
    assertRejected(['--init', `TOKEN=${secret}`], 1),
  ];
  for (const error of errors) {
    assert.ok(!error.message.includes(secret), error.message);
  }
});

test('byte sizes use binary units', () => {
  const cases: Array<[string, number]> = [
    ['64m', 64 * 1024 ** 2],
    ['64M', 64 * 1024 ** 2],
    ['64mb', 64 * 1024 ** 2],
    ['64MiB', 64 * 1024 ** 2],
    ['64 m', 64 * 1024 ** 2],
    ['1k', 1024],
    ['0.5k', 512],
    ['1.5g', 1.5 * 1024 ** 3],
    ['2t', 2 * 1024 ** 4],
    ['1p', 1024 ** 5],
    ['100', 100],
    ['100b', 100],
    ['1.9', 1],
    ['0', 0],
  ];
  for (const [text, bytes] of cases) {
    assert.equal(parseByteSize(text), bytes, text);
  }
  for (const text of ['', 'm', '-1m', '1.2.3m', '64x', '1e3', ' 64m', '64mm', '64  m', '1,5g', '99999999p']) {
    assert.equal(parseByteSize(text), undefined, text);
  }
});

test('CPU counts are exact', () => {
  const cases: Array<[string, number]> = [
    ['1.5', 1_500_000_000],
    ['2', 2_000_000_000],
    ['.5', 500_000_000],
    ['0.000000001', 1],
    ['1e-3', 1_000_000],
    ['2E1', 20_000_000_000],
    ['3/4', 750_000_000],
    ['0', 0],
    ['-1', -1_000_000_000],
  ];
  for (const [text, nano] of cases) {
    assert.equal(parseNanoCpus(text), nano, text);
  }
  for (const text of ['0.0000000001', '1/3', '1/0', 'abc', '', '.', '1.5.2', '1e999', '1,5']) {
    assert.equal(parseNanoCpus(text), undefined, text);
  }
  assertRejected(['--cpus=-1'], 0, /Invalid --cpus/, /"-1" is not a CPU count of 0 or more/);
  assertRejected(['--cpus', '0.0000000001'], 0, /nine decimal places/);
});

test('memory flags reject bad sizes', () => {
  assertRejected(['--shm-size', '64x'], 0, /Invalid --shm-size/, /"64x" is not a size/, /1k is 1024 bytes/);
  assertRejected(['-m', 'lots'], 0, /Invalid -m \(--memory\)/, /"lots" is not a size/);
});

test('publish port specs', () => {
  const cases: Array<[string, Record<string, Dockerode.PortBinding[]>]> = [
    ['80', { '80/tcp': [{ HostIp: '', HostPort: '' }] }],
    ['8080:80', { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }],
    ['127.0.0.1:8080:80', { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] }],
    ['127.0.0.1::80', { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }],
    ['[::1]:8080:80', { '80/tcp': [{ HostIp: '::1', HostPort: '8080' }] }],
    ['::1:8080:80', { '80/tcp': [{ HostIp: '::1', HostPort: '8080' }] }],
    ['53:53/udp', { '53/udp': [{ HostIp: '', HostPort: '53' }] }],
    ['9000/SCTP', { '9000/sctp': [{ HostIp: '', HostPort: '' }] }],
    ['80/', { '80/tcp': [{ HostIp: '', HostPort: '' }] }],
    ['0:80', { '80/tcp': [{ HostIp: '', HostPort: '0' }] }],
    [
      '8000-8002:8000-8002',
      {
        '8000/tcp': [{ HostIp: '', HostPort: '8000' }],
        '8001/tcp': [{ HostIp: '', HostPort: '8001' }],
        '8002/tcp': [{ HostIp: '', HostPort: '8002' }],
      },
    ],
    [
      '9000-9001:8000-8001/udp',
      { '8000/udp': [{ HostIp: '', HostPort: '9000' }], '8001/udp': [{ HostIp: '', HostPort: '9001' }] },
    ],
    ['8000-8010:80', { '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }] }],
    ['7000-7001', { '7000/tcp': [{ HostIp: '', HostPort: '' }], '7001/tcp': [{ HostIp: '', HostPort: '' }] }],
    ['published=8080,target=80,protocol=udp', { '80/udp': [{ HostIp: '', HostPort: '8080' }] }],
    ['target=80,published=8080,mode=host', { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }],
  ];
  for (const [spec, bindings] of cases) {
    const options = parse(['-p', spec]);
    assert.deepEqual(options.portBindings, bindings, spec);
    assert.deepEqual(options.exposedPorts, Object.keys(bindings), spec);
  }
});

test('publish same port twice', () => {
  const options = parse(['-p', '8080:80', '--publish', '127.0.0.1:9090:80']);
  assert.deepEqual(options.exposedPorts, ['80/tcp']);
  assert.deepEqual(options.portBindings, {
    '80/tcp': [
      { HostIp: '', HostPort: '8080' },
      { HostIp: '127.0.0.1', HostPort: '9090' },
    ],
  });
});

test('publish rejects bad specs', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /has no container port/],
    ['8080:', /has no container port/],
    ['80/icmp', /"icmp" is not a protocol/],
    ['70000', /"70000" is not a valid container port/],
    ['abc:80', /"abc" is not a valid host port/],
    ['8002-8000', /ends before it starts/],
    ['1-2-3', /not a valid container port/],
    ['8000-8001:80-82', /ranges of different lengths/],
    ['1.2.3.4.5:80:80', /"1.2.3.4.5" is not an IP address/],
    ['[::1:80:80', /missing its closing/],
    ['published=8080,bogus', /"bogus" is not a name=value pair/],
  ];
  for (const [spec, pattern] of cases) {
    assertRejected(['--init', '-p', spec], 1, /Invalid -p \(--publish\)/, pattern);
  }
});

test('volume specs', () => {
  const cases: Array<[string, Partial<RunArgsOptions>]> = [
    ['/host:/data', { binds: ['/host:/data'] }],
    ['cache:/cache', { binds: ['cache:/cache'] }],
    ['cache:/cache:ro,nocopy', { binds: ['cache:/cache:ro,nocopy'] }],
    ['/a:/b:ro,z', { binds: ['/a:/b:ro,z'] }],
    ['/a:/b:rshared', { binds: ['/a:/b:rshared'] }],
    ['./src:/src', { binds: [`${folder}/src:/src`] }],
    ['..:/workspace:cached', { binds: ['/home/me/proj:/workspace:cached'] }],
    ['C:\\src:/src', { binds: ['C:\\src:/src'] }],
    ['\\\\server\\share:/share', { binds: ['\\\\server\\share:/share'] }],
    ['/data', { anonymousVolumes: ['/data'], binds: [] }],
  ];
  for (const [spec, expected] of cases) {
    const options = parse(['-v', spec]);
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(options[key as keyof RunArgsOptions], value, `${spec} → ${key}`);
    }
  }

  const repeated = parse(['-v', '/a:/b', '-v', '/a:/b', '-v', '/c', '-v', '/c']);
  assert.deepEqual(repeated.binds, ['/a:/b']);
  assert.deepEqual(repeated.anonymousVolumes, ['/c']);
});

test('volume rejects bad specs', () => {
  const cases: Array<[string, RegExp]> = [
    ['~/x:/y', /does not expand "~"/, ],
    ['rel/path:/y', /neither an absolute host path nor a volume name/],
    ['/a:b', /container path "b" is not absolute/],
    ['data', /container path "data" is not absolute/],
    ['/a:/b:bogus', /"bogus" is not a volume option/],
    ['/a:/b:ro:x', /too many colons/],
    ['/a::/b', /empty part between colons/],
    ['', /empty part between colons/],
  ];
  for (const [spec, pattern] of cases) {
    assertRejected(['-v', spec], 0, /Invalid -v \(--volume\)/, pattern);
  }
});

test('tmpfs specs', () => {
  assert.deepEqual(parse(['--tmpfs', '/run']).tmpfs, { '/run': '' });
  assert.deepEqual(parse(['--tmpfs', '/run:rw,noexec', '--tmpfs=/tmp:size=1g', '--tmpfs', '/run']).tmpfs, {
    '/run': '',
    '/tmp': 'size=1g',
  });
  assertRejected(['--tmpfs', 'run'], 0, /Invalid --tmpfs/, /"run" is not absolute/);
});

test('mount specs', () => {
  const cases: Array<[string, Dockerode.MountSettings]> = [
    [
      'type=bind,source=./cfg,target=/cfg,readonly',
      { Type: 'bind', Source: `${folder}/cfg`, Target: '/cfg', ReadOnly: true },
    ],
    ['type=bind,src=/a,dst=/b,ro=1', { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true }],
    ['type=bind,src=/a,destination=/b,readonly=f', { Type: 'bind', Source: '/a', Target: '/b' }],
    ['TYPE=BIND,Source=/a,Target=/b', { Type: 'bind', Source: '/a', Target: '/b' }],
    ['"type=bind","source=/a,b",target=/c', { Type: 'bind', Source: '/a,b', Target: '/c' }],
    ['type=bind,src=/a,dst=/b,consistency=cached', { Type: 'bind', Source: '/a', Target: '/b', Consistency: 'cached' }],
    [
      'type=bind,src=/a,dst=/b,bind-propagation=RSHARED',
      { Type: 'bind', Source: '/a', Target: '/b', BindOptions: { Propagation: 'rshared' } },
    ],
    [
      'type=bind,src=/a,dst=/b,bind-nonrecursive',
      { Type: 'bind', Source: '/a', Target: '/b', BindOptions: { NonRecursive: true } as never },
    ],
    [
      'type=bind,src=/a,dst=/b,readonly,bind-recursive=readonly,bind-propagation=rprivate',
      {
        Type: 'bind',
        Source: '/a',
        Target: '/b',
        ReadOnly: true,
        BindOptions: { ReadOnlyForceRecursive: true, Propagation: 'rprivate' } as never,
      },
    ],
    [
      'type=volume,source=data,target=/data,volume-nocopy,volume-label=a=b,volume-driver=local,volume-opt=type=nfs,volume-opt=o=addr=10.0.0.1,volume-subpath=sub',
      {
        Type: 'volume',
        Source: 'data',
        Target: '/data',
        VolumeOptions: {
          NoCopy: true,
          Labels: { a: 'b' },
          DriverConfig: { Name: 'local', Options: { type: 'nfs', o: 'addr=10.0.0.1' } },
          Subpath: 'sub',
        },
      },
    ],
    ['target=/anonymous', { Type: 'volume', Source: '', Target: '/anonymous' }],
    [
      'type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770',
      { Type: 'tmpfs', Source: '', Target: '/t', TmpfsOptions: { SizeBytes: 64 * 1024 ** 2, Mode: 0o1770 } },
    ],
  ];
  for (const [spec, mount] of cases) {
    assert.deepEqual(parse(['--mount', spec]).mounts, [mount], spec);
  }
});

test('mount rejects bad specs', () => {
  const cases: Array<[string, RegExp]> = [
    ['type=bind,source=/a', /has no target/],
    ['type=,target=/x', /mount type is empty/],
    ['type=bind,source=/a,target=/b,readonly=maybe', /"maybe" is not a boolean for readonly/],
    ['type=bind,source=/a,target=/b,colour=red', /unknown key "colour"/],
    ['type=bind,source=/a,target=/b,bogus', /"bogus" is not a key=value pair/],
    ['type=volume,target=/v,bind-propagation=shared', /"bind-\*" fields only apply to type=bind/],
    ['type=bind,source=/a,target=/b,volume-nocopy', /"volume-\*" fields only apply to type=volume/],
    ['type=volume,target=/v,tmpfs-size=1m', /"tmpfs-\*" fields only apply to type=tmpfs/],
    ['type=bind,source=/a,target=/b,bind-recursive=writable', /need a read-only mount/],
    ['type=bind,source=/a,target=/b,readonly,bind-recursive=readonly', /needs private propagation/],
    ['type=bind,source=/a,target=/b,bind-recursive=sometimes', /not a value of bind-recursive/],
    ['type=tmpfs,target=/t,tmpfs-mode=999', /not an octal mode/],
    ['type=tmpfs,target=/t,tmpfs-size=big', /not a size for tmpfs-size/],
  ];
  for (const [spec, pattern] of cases) {
    assertRejected(['--init', '--mount', spec], 1, /Invalid --mount in runArgs\[1\]/, pattern);
  }
  // The shared converter reports what it rejects with the same file and index.
  assertRejected(['--init', '--mount', 'type=bind,target=/b'], 1, /needs "source"/);
  assertRejected(['--mount=type=npipe,source=x,target=/y'], 0, /unknown type "npipe"/);
});

test('gpu requests', () => {
  const cases: Array<[string, Dockerode.DeviceRequest]> = [
    ['all', { Count: -1, Options: {}, Capabilities: [['gpu']] }],
    ['2', { Count: 2, Options: {}, Capabilities: [['gpu']] }],
    ['count=all', { Count: -1, Options: {}, Capabilities: [['gpu']] }],
    ['driver=nvidia', { Driver: 'nvidia', Count: 1, Options: {}, Capabilities: [['gpu']] }],
    ['"device=0,1"', { DeviceIDs: ['0', '1'], Options: {}, Capabilities: [['gpu']] }],
    ['device=GPU-3a23c669', { DeviceIDs: ['GPU-3a23c669'], Options: {}, Capabilities: [['gpu']] }],
    [
      '"capabilities=compute,utility",count=1',
      { Count: 1, Options: {}, Capabilities: [['compute', 'utility', 'gpu']] },
    ],
    ['"options=a=1,b=2"', { Count: 1, Options: { a: '1', b: '2' }, Capabilities: [['gpu']] }],
  ];
  for (const [spec, request] of cases) {
    assert.deepEqual(parse(['--gpus', spec]).deviceRequests, [request], spec);
  }

  assertRejected(['--gpus', 'two'], 0, /Invalid --gpus/, /"two" is not "all" or a whole number/);
  assertRejected(['--gpus', 'all,count=2'], 0, /the key "count" is given twice/);
  assertRejected(['--gpus', 'memory=4g'], 0, /"memory" in "memory=4g" is not a GPU request field/);
  // Unquoted, "device=0,1" is two fields, and "1" alone reads as a count, as in docker.
  assert.deepEqual(parse(['--gpus', 'device=0,1']).deviceRequests, [
    { DeviceIDs: ['0'], Count: 1, Options: {}, Capabilities: [['gpu']] },
  ]);
});

test('device mappings', () => {
  const cases: Array<[string, Dockerode.DeviceMapping]> = [
    ['/dev/fuse', { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
    ['/dev/sda:/dev/xvda', { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'rwm' }],
    ['/dev/sda:/dev/xvda:r', { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'r' }],
    ['/dev/sda:rw', { PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rw' }],
    ['/dev/snd/', { PathOnHost: '/dev/snd', PathInContainer: '/dev/snd', CgroupPermissions: 'rwm' }],
  ];
  for (const [spec, mapping] of cases) {
    assert.deepEqual(parse(['--device', spec]).devices, [mapping], spec);
  }

  const cdi = parse(['--device', 'nvidia.com/gpu=all', '--device=vendor.example/class=dev:0']);
  assert.deepEqual(cdi.devices, []);
  assert.deepEqual(cdi.deviceRequests, [{ Driver: 'cdi', DeviceIDs: ['nvidia.com/gpu=all', 'vendor.example/class=dev:0'] }]);

  const errors: Array<[string, RegExp]> = [
    ['/dev/sda:xvda', /container path "xvda" is not absolute/],
    ['/dev/a:/dev/b:rwx', /"rwx" are not device permissions/],
    ['/dev/a:/dev/b:rr', /"rr" are not device permissions/],
    ['/a:/b:r:x', /is not a device/],
    [':/dev/b', /is not a device/],
  ];
  for (const [spec, pattern] of errors) {
    assertRejected(['--device', spec], 0, /Invalid --device/, pattern);
  }
});

test('extra hosts', () => {
  const cases: Array<[string, string]> = [
    ['db:10.0.0.5', 'db:10.0.0.5'],
    ['db=10.0.0.5', 'db:10.0.0.5'],
    ['v6:::1', 'v6:::1'],
    ['v6=[::1]', 'v6:::1'],
    ['v4:[10.0.0.1]', 'v4:10.0.0.1'],
    ['host.docker.internal:host-gateway', 'host.docker.internal:host-gateway'],
  ];
  for (const [spec, entry] of cases) {
    assert.deepEqual(parse(['--add-host', spec]).extraHosts, [entry], spec);
  }
  for (const spec of ['db', ':10.0.0.5', 'db:not-an-ip', 'db=', 'a:b=10.0.0.1']) {
    assertRejected(['--add-host', spec], 0, /Invalid --add-host/);
  }
});

test('networks', () => {
  assert.deepEqual(parse(['--network', 'a', '--network=b']).networks, ['a', 'b']);
  assert.deepEqual(parse(['--net=container:db']).networks, ['container:db']);
  assertRejected(['--network', 'a', '--net', 'a'], 2, /Invalid --net \(--network\)/, /"a" is given twice/);
  assertRejected(['--network', 'a', '--network', 'host'], 2, /cannot be combined with "a"/);
  assertRejected(['--network', 'host', '--network', 'a'], 2, /cannot be combined with "host"/);
  assertRejected(['--network', 'name=a,alias=web'], 0, /advanced form/);
  assertRejected(['--network', ' '], 0, /network name is empty/);
});

test('security options', () => {
  const options = parse([
    '--security-opt', 'no-new-privileges',
    '--security-opt', 'label=disable',
    '--security-opt', 'label:disable',
    '--security-opt=apparmor=unconfined',
    '--security-opt', 'seccomp=builtin',
    '--security-opt', 'label=disable',
  ]);
  assert.deepEqual(options.securityOpt, [
    'no-new-privileges',
    'label=disable',
    'label:disable',
    'apparmor=unconfined',
    'seccomp=builtin',
  ]);

  const unconfined = parse(['--security-opt', 'systempaths=unconfined']);
  assert.equal(unconfined.unconfinedSystemPaths, true);
  assert.deepEqual(unconfined.securityOpt, []);

  for (const spec of ['apparmor', 'label=', 'seccomp:']) {
    assertRejected(['--security-opt', spec], 0, /Invalid --security-opt/, /is not a security option/);
  }
});

test('seccomp profile from a file', () => {
  const reads: string[] = [];
  const readFile = (path: string): string => {
    reads.push(path);
    return '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [ { "names": ["read"], "action": "SCMP_ACT_ALLOW" } ]\n}\n';
  };
  const options = parse(['--security-opt', 'seccomp=profiles/strict.json'], { readFile });
  assert.deepEqual(reads, [`${folder}/profiles/strict.json`]);
  assert.deepEqual(options.securityOpt, [
    'seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}',
  ]);

  assertRejected(['--security-opt', 'seccomp=missing.json'], 0, /reading the seccomp profile ".*missing.json" failed/);
  assert.throws(
    () => parse(['--security-opt', 'seccomp=bad.json'], { readFile: () => '{ not json' }),
    /seccomp profile ".*bad.json" is not valid JSON/,
  );
});

test('capabilities', () => {
  const options = parse(['--cap-add', 'SYS_PTRACE', '--cap-add=net_admin', '--cap-add', 'SYS_PTRACE', '--cap-drop', 'ALL']);
  assert.deepEqual(options.capAdd, ['SYS_PTRACE', 'net_admin']);
  assert.deepEqual(options.capDrop, ['ALL']);
  assertRejected(['--cap-add='], 0, /Invalid --cap-add/, /capability is empty/);
});

test('ulimits', () => {
  const cases: Array<[string, Dockerode.Ulimit]> = [
    ['nofile=1024', { Name: 'nofile', Soft: 1024, Hard: 1024 }],
    ['nofile=1024:4096', { Name: 'nofile', Soft: 1024, Hard: 4096 }],
    ['memlock=-1', { Name: 'memlock', Soft: -1, Hard: -1 }],
    ['memlock=infinity', { Name: 'memlock', Soft: -1, Hard: -1 }],
    ['core=10:infinity', { Name: 'core', Soft: 10, Hard: -1 }],
  ];
  for (const [spec, ulimit] of cases) {
    assert.deepEqual(parse(['--ulimit', spec]).ulimits, [ulimit], spec);
  }
  assert.deepEqual(parse(['--ulimit', 'nofile=1', '--ulimit', 'core=0', '--ulimit', 'nofile=2']).ulimits, [
    { Name: 'core', Soft: 0, Hard: 0 },
    { Name: 'nofile', Soft: 2, Hard: 2 },
  ]);

  const errors: Array<[string, RegExp]> = [
    ['nofile', /has no "="/],
    ['as=1', /"as" is not a resource limit/],
    ['nofile=5:1', /soft limit 5 is above the hard limit 1/],
    ['nofile=-1:5', /soft limit -1 is above the hard limit 5/],
    ['nofile=1:2:3', /more than a soft and a hard limit/],
    ['nofile=many', /"many" is not a whole number/],
  ];
  for (const [spec, pattern] of errors) {
    assertRejected(['--ulimit', spec], 0, /Invalid --ulimit/, pattern);
  }
});

test('sysctls', () => {
  const options = parse([
    '--sysctl', 'net.core.somaxconn=1024',
    '--sysctl=kernel.shmmax=1000',
    '--sysctl', 'fs.mqueue.msg_max=20',
    '--sysctl', 'net.core.somaxconn=2048',
  ]);
  assert.deepEqual(options.sysctls, {
    'net.core.somaxconn': '2048',
    'kernel.shmmax': '1000',
    'fs.mqueue.msg_max': '20',
  });
  for (const spec of ['kernel.pid_max=1', 'net.ipv4.ip_forward', '=1']) {
    assertRejected(['--sysctl', spec], 0, /Invalid --sysctl/, /is not an allowed sysctl/);
  }
});

test('labels', () => {
  assert.deepEqual(parse(['-l', 'flag', '--label', 'a=b=c', '--label', 'x=1', '--label', 'x=2']).labels, {
    flag: '',
    a: 'b=c',
    x: '2',
  });
  assertRejected(['--label', '=x'], 0, /Invalid --label/, /empty key/);
  assertRejected(['--label', 'a b=c'], 0, /key "a b" contains whitespace/);
});

test('container identity flags', () => {
  assert.equal(parse(['--name=']).name, '');
  assert.equal(parse(['--name', 'a1', '--name', 'b2']).name, 'b2');
  assert.deepEqual(parse(['--entrypoint=']).entrypoint, ['']);
  assert.equal(parse(['--workdir=']).workingDir, '');
  for (const name of ['x', 'bad name', '-leading', 'a/b']) {
    assertRejected(['--name', name], 0, /Invalid --name/, /is not a container name/);
  }
  assertRejected(['-w', 'relative'], 0, /Invalid -w \(--workdir\)/, /"relative" is not an absolute path/);
});

test('namespace modes', () => {
  assert.equal(parse(['--ipc', 'shareable']).ipcMode, 'shareable');
  assert.equal(parse(['--ipc', 'container:db']).ipcMode, 'container:db');
  assert.equal(parse(['--pid', 'container:db']).pidMode, 'container:db');
  assert.equal(parse(['--pid=']).pidMode, '');
  assertRejected(['--ipc', 'container:'], 0, /Invalid --ipc/, /is not an IPC mode/);
  assertRejected(['--ipc', 'bogus'], 0, /is not an IPC mode/);
  assertRejected(['--pid', 'private'], 0, /Invalid --pid/, /is not a PID mode/);
  assertRejected(['--userns', 'private'], 0, /Invalid --userns/, /is not a user namespace mode/);
});

test('runArgs error messages', () => {
  assertRejected(['--init', '--restart=always'], 1, /Unsupported flag --restart in runArgs\[1\]/, /manages the container's lifetime/);
  assertRejected(['--expose', '80'], 0, /Unsupported flag --expose/, /Remove it or use the devcontainer.json property "forwardPorts"/);
  assertRejected(['-P'], 0, /Unsupported flag -P/, /property "forwardPorts"/);
  assertRejected(['--publish-all'], 0, /property "forwardPorts"/);
  assertRejected(['--volumes-from', 'other'], 0, /property "mounts"/);
  assertRejected(['--platform', 'linux/arm64'], 0, /Unsupported flag --platform/, /Remove it\./);
  assertRejected(['-x'], 0, /Unsupported flag -x in runArgs\[0\]/);
  assertRejected(['--help'], 0, /Unsupported flag --help/);
  assertRejected(['--init', '--name'], 1, /Flag --name in runArgs\[1\]/, /Add the value as the next element, or write --name=VALUE/);
  assertRejected(['-e'], 0, /Flag -e in runArgs\[0\]/);
  assertRejected(['--init', 'ubuntu'], 1, /Unexpected argument "ubuntu" in runArgs\[1\]/, /supplies the image and command/);
  assertRejected(['--', 'bash'], 0, /Unexpected "--"/);
  assertRejected(['-'], 0, /Unexpected argument "-"/);
  assertRejected([''], 0, /Unexpected argument ""/);
  assertRejected(['---init'], 0, /Invalid flag "---init"/);
  assertRejected(['--=x'], 0, /Invalid flag "--=x"/);
  assertRejected(['--memory', 'lots'], 0, /^Invalid --memory in runArgs\[0\] of .*devcontainer\.json: "lots" is not a size\. Write /);
  assertRejected(['--net=name=a'], 0, /Invalid --net \(--network\)/);
});

test('runArgs error has value error as cause', () => {
  const error = assertRejected(['--cpus', 'many'], 0);
  assert.ok(error.cause instanceof Error);
  assert.match((error.cause as Error).message, /"many"/);
});

function baseRequest(): Dockerode.ContainerCreateOptions {
  return {
    name: 'from-config',
    Image: 'sha256:abc',
    Labels: { 'devcontainer.local_folder': '/home/me/proj', keep: 'base' },
    Env: ['PATH=/usr/bin', 'A=base', 'B=base'],
    User: 'node',
    Entrypoint: ['/bin/sh', '-c', 'keep alive', '-'],
    Cmd: [],
    ExposedPorts: { '3000/tcp': {} },
    HostConfig: {
      Mounts: [{ Type: 'bind', Source: '/home/me/proj', Target: '/workspaces/proj' }],
      Init: true,
      Privileged: true,
      CapAdd: ['SYS_PTRACE'],
      SecurityOpt: ['seccomp=unconfined'],
      Devices: [{ PathOnHost: '/dev/kvm', PathInContainer: '/dev/kvm', CgroupPermissions: 'rwm' }],
      Ulimits: [{ Name: 'nofile', Soft: 1, Hard: 1 }, { Name: 'core', Soft: 0, Hard: 0 }],
      Sysctls: { 'net.core.somaxconn': '128', 'kernel.shmmax': '1' },
      Tmpfs: { '/run': '' },
      PortBindings: { '3000/tcp': [{ HostIp: '', HostPort: '3000' }] },
    },
  };
}

test('applyRunArgs merges into the request', () => {
  const base = baseRequest();
  const before = structuredClone(base);
  const runArgs = parse([
    '--name', 'box',
    '-h', 'devbox',
    '-u', 'root',
    '-w', '/work',
    '--entrypoint', '/bin/bash',
    '-e', 'A=run', '-e', 'C=run',
    '-l', 'keep=run', '-l', 'extra=1',
    '-v', '/cache:/cache', '-v', '/anon',
    '--mount', 'type=volume,source=v,target=/v',
    '--tmpfs', '/tmp:size=1m',
    '-p', '8080:3000', '-p', '9000:9000',
    '--network', 'a', '--network', 'b',
    '--add-host', 'db:10.0.0.5',
    '--cap-add', 'SYS_PTRACE', '--cap-add', 'NET_ADMIN', '--cap-drop', 'MKNOD',
    '--security-opt', 'seccomp=unconfined', '--security-opt', 'no-new-privileges',
    '--security-opt', 'systempaths=unconfined',
    '--device', '/dev/fuse', '--gpus', 'all',
    '--ulimit', 'nofile=1024:2048',
    '--sysctl', 'net.core.somaxconn=1024',
    '--privileged=false', '--init=false',
    '--shm-size', '1g', '-m', '2g', '--cpus', '2',
    '--ipc', 'host', '--pid', 'host', '--userns', 'host',
  ]);
  const result = applyRunArgs(base, runArgs);
  const host = result.HostConfig as Dockerode.HostConfig;

  assert.deepEqual(base, before, 'the input request is unchanged');
  assert.equal(result.name, 'box');
  assert.equal(result.Image, 'sha256:abc');
  assert.equal(result.Hostname, 'devbox');
  assert.equal(result.User, 'root');
  assert.equal(result.WorkingDir, '/work');
  assert.deepEqual(result.Entrypoint, ['/bin/bash']);
  assert.deepEqual(result.Cmd, []);
  assert.deepEqual(result.Env, ['PATH=/usr/bin', 'B=base', 'A=run', 'C=run']);
  assert.deepEqual(result.Labels, { 'devcontainer.local_folder': '/home/me/proj', keep: 'run', extra: '1' });
  assert.deepEqual(result.Volumes, { '/anon': {} });
  assert.deepEqual(result.ExposedPorts, { '3000/tcp': {}, '9000/tcp': {} });
  assert.deepEqual(result.NetworkingConfig, { EndpointsConfig: { a: {}, b: {} } });

  assert.equal(host.NetworkMode, 'a');
  assert.deepEqual(host.Binds, ['/cache:/cache']);
  assert.deepEqual(host.Mounts, [
    { Type: 'bind', Source: '/home/me/proj', Target: '/workspaces/proj' },
    { Type: 'volume', Source: 'v', Target: '/v' },
  ]);
  assert.deepEqual(host.Tmpfs, { '/run': '', '/tmp': 'size=1m' });
  assert.deepEqual(host.PortBindings, {
    '3000/tcp': [
      { HostIp: '', HostPort: '3000' },
      { HostIp: '', HostPort: '8080' },
    ],
    '9000/tcp': [{ HostIp: '', HostPort: '9000' }],
  });
  assert.deepEqual(host.ExtraHosts, ['db:10.0.0.5']);
  assert.deepEqual(host.CapAdd, ['SYS_PTRACE', 'NET_ADMIN']);
  assert.deepEqual(host.CapDrop, ['MKNOD']);
  assert.deepEqual(host.SecurityOpt, ['seccomp=unconfined', 'no-new-privileges']);
  assert.deepEqual(host.MaskedPaths, []);
  assert.deepEqual(host.ReadonlyPaths, []);
  assert.deepEqual(host.Devices, [
    { PathOnHost: '/dev/kvm', PathInContainer: '/dev/kvm', CgroupPermissions: 'rwm' },
    { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
  ]);
  assert.deepEqual(host.DeviceRequests, [{ Count: -1, Options: {}, Capabilities: [['gpu']] }]);
  assert.deepEqual(host.Ulimits, [
    { Name: 'core', Soft: 0, Hard: 0 },
    { Name: 'nofile', Soft: 1024, Hard: 2048 },
  ]);
  assert.deepEqual(host.Sysctls, { 'net.core.somaxconn': '1024', 'kernel.shmmax': '1' });
  assert.equal(host.Privileged, false);
  assert.equal(host.Init, false);
  assert.equal(host.ShmSize, 1024 ** 3);
  assert.equal(host.Memory, 2 * 1024 ** 3);
  assert.equal(host.NanoCpus, 2_000_000_000);
  assert.equal(host.IpcMode, 'host');
  assert.equal(host.PidMode, 'host');
  assert.equal(host.UsernsMode, 'host');
});

test('applyRunArgs with empty runArgs', () => {
  const base = baseRequest();
  assert.deepEqual(applyRunArgs(base, parse([])), base);

  const bare: Dockerode.ContainerCreateOptions = { Image: 'x' };
  assert.deepEqual(applyRunArgs(bare, parse(['-it', '--rm'])), { Image: 'x' });
});

test('applyRunArgs name and single network', () => {
  const cleared = applyRunArgs(baseRequest(), parse(['--name=']));
  assert.ok(!('name' in cleared));

  const single = applyRunArgs(baseRequest(), parse(['--network=host']));
  assert.equal(single.HostConfig?.NetworkMode, 'host');
  assert.equal(single.NetworkingConfig, undefined);

  const unchanged = applyRunArgs(baseRequest(), parse(['--init']));
  assert.equal(unchanged.name, 'from-config');
  assert.equal(unchanged.HostConfig?.Privileged, true);
  assert.equal(unchanged.HostConfig?.MaskedPaths, undefined);
});

test('applyRunArgs env later entry wins', () => {
  const result = applyRunArgs({ Env: ['A=1', 'B=2', 'A=3'] }, parse(['-e', 'B=4', '-e', 'D=5', '-e', 'B=6']));
  assert.deepEqual(result.Env, ['A=3', 'D=5', 'B=6']);
});
