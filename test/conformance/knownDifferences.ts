/**
 * Differences between our CLI and the reference Dev Containers CLI 0.89.0
 * that the suite has seen and judged. A difference that no entry covers
 * fails its test. An entry with the verdict "bug in ours" names the bug but
 * the test still fails, so the bug stays visible until it is fixed.
 * docs/conformance.md has the same table with the evidence.
 */

export type Verdict = 'bug in ours' | 'bug in reference' | 'intended';

/** An exact value (compared deeply, `'<absent>'` for a missing key) or a predicate. */
export type ValueMatcher = unknown;

export interface KnownDifference {
  /** Group names the entry applies to, or `'*'` for every group. */
  groups: readonly string[] | '*';
  /** Property path as the diff prints it, where `*` matches any run of characters. */
  property: string;
  ours: ValueMatcher;
  reference: ValueMatcher;
  verdict: Verdict;
  reason: string;
}

const ABSENT = '<absent>';
const any = (): boolean => true;
const isString = (value: unknown): value is string => typeof value === 'string';

/** Groups whose image is built from a Dockerfile. */
const dockerfileGroups = ['dockerfile', 'users', 'override-command', 'user-env-probe-none', 'user-env-probe-default'];

/** True for a string that still contains a `${...}` variable reference. */
const hasVariable = (value: unknown): boolean => isString(value) && value.includes('${');

/**
 * The reference CLI splits `${localEnv:NAME:default}` at every colon and keeps
 * only the first part of the default, so `default with:colons` becomes
 * `default with`. Ours keeps the whole default, as the spec's syntax allows.
 */
const colonDefault = {
  ours: (value: unknown) => isString(value) && value.includes('default with:colons'),
  reference: (value: unknown) => isString(value) && value.includes('default with') && !value.includes('default with:colons'),
};

export const knownDifferences: KnownDifference[] = [
  // Output of `up` and `read-configuration`.
  {
    groups: '*',
    property: '*.ociAuthDiagnostics',
    ours: ABSENT,
    reference: any,
    verdict: 'intended',
    reason: 'the reference reports whether its --oci-auth-hardening checks would block a registry credential lookup or redirect (three booleans); ours accepts and ignores that flag, so the same object would report checks that never ran',
  },
  {
    groups: '*',
    property: '*Configuration*.configFilePath.$mid',
    ours: ABSENT,
    reference: 1,
    verdict: 'intended',
    reason: "`$mid` is VS Code's internal marker for a marshalled URI object; the path fields carry the value",
  },
  {
    groups: '*',
    property: '*Configuration*.configFilePath.scheme',
    ours: 'file',
    reference: 'vscode-fileHost',
    verdict: 'intended',
    reason: "`vscode-fileHost` is the reference's internal file-host scheme; ours names the standard `file` scheme for the same path",
  },
  {
    groups: '*',
    property: 'mergedConfiguration.hostRequirements',
    ours: ABSENT,
    reference: { cpus: null, memory: '-Infinity', storage: '-Infinity' },
    verdict: 'bug in reference',
    reason: 'with an empty metadata list the reference takes Math.max() of nothing (-Infinity) and prints it as a host requirement',
  },
  {
    groups: ['privileged'],
    property: 'up.containerId',
    ours: ABSENT,
    reference: '<containerId>',
    verdict: 'intended',
    reason: 'ours removes a container that fails to start, so its error output names none; the reference names the container it left behind',
  },
  {
    groups: ['privileged'],
    property: 'up.*',
    ours: isString,
    reference: isString,
    verdict: 'intended',
    reason: 'both report the engine refusing the privileged container; the error wording is not part of the contract',
  },

  // Variable substitution.
  {
    groups: ['env'],
    property: '*',
    ...colonDefault,
    verdict: 'bug in reference',
    reason: 'the reference cuts a ${localEnv:NAME:default} default at its first colon',
  },
  {
    groups: ['env', 'mounts'],
    property: 'readConfigurationBeforeUp.configuration.*',
    ours: (value: unknown) => isString(value) && value.includes('<devcontainerId>'),
    reference: (value: unknown) => isString(value) && value.includes('${devcontainerId}'),
    verdict: 'bug in reference',
    reason: 'without a container the reference leaves ${devcontainerId} unresolved, though the id depends only on the workspace and config paths',
  },
  {
    groups: ['env'],
    property: 'exec.env.REMOTE_ID',
    ours: '<devcontainerId>',
    reference: '${devcontainerId}',
    verdict: 'bug in reference',
    reason: "the reference's exec leaves ${devcontainerId} in remoteEnv unresolved, although its lifecycle commands get the id",
  },
  {
    groups: ['env'],
    property: '*Configuration*.containerEnv.CONF_CONTAINER_PATH',
    ours: '${containerEnv:PATH}',
    reference: (value: unknown) => isString(value) && value.startsWith('/'),
    verdict: 'bug in reference',
    reason: 'the reference prints containerEnv with ${containerEnv:PATH} resolved, but the container got the literal text, which ours prints',
  },

  // Container state.
  {
    groups: dockerfileGroups,
    property: 'container.image',
    ours: (value: unknown) => isString(value) && value.startsWith('devcontainer-'),
    reference: (value: unknown) => isString(value) && value.startsWith('vsc-'),
    verdict: 'intended',
    reason: 'each CLI names the images it builds its own way (ours devcontainer-<folder>-<id>, the reference vsc-<folder>-<hash>)',
  },
  {
    groups: '*',
    property: 'container.metadata',
    ours: [{}],
    reference: (value: unknown) => isDeepEmptyMetadata(value),
    verdict: 'intended',
    reason: 'when devcontainer.json contributes no metadata ours writes one empty entry; the reference writes [] or, for a Dockerfile build, no label; all mean no metadata',
  },
  {
    groups: '*',
    property: 'container.metadata[*].containerEnv.*',
    ours: (value: unknown) => !hasVariable(value),
    reference: hasVariable,
    verdict: 'intended',
    reason: 'ours stores containerEnv resolved in the label; the same values are in Config.Env for both CLIs',
  },
  {
    groups: '*',
    property: 'container.metadata[*].mounts*',
    ours: (value: unknown) => !JSON.stringify(value).includes('${'),
    reference: (value: unknown) => JSON.stringify(value).includes('${'),
    verdict: 'intended',
    reason: 'ours stores mounts resolved in the label; the same sources are in HostConfig for both CLIs',
  },
  {
    groups: ['privileged'],
    property: 'container.*',
    ours: '<no container>',
    reference: any,
    verdict: 'intended',
    reason: 'ours removes a container that fails to start; the reference leaves it in the Created state',
  },

  // Environment of a command run through exec.
  {
    groups: '*',
    property: 'exec.env._',
    ours: ABSENT,
    reference: '/usr/bin/cat',
    verdict: 'intended',
    reason: "the reference passes on `_` from its userEnvProbe shell (the probe's last command); a shell sets `_` itself",
  },
  {
    groups: '*',
    property: 'exec.env.SHLVL',
    ours: ABSENT,
    reference: '1',
    verdict: 'intended',
    reason: "the reference passes on SHLVL from its userEnvProbe shell; ours drops the probe shell's own variables",
  },
];

function isDeepEmptyMetadata(value: unknown): boolean {
  return value === '<no label>' || (Array.isArray(value) && value.every((entry) => JSON.stringify(entry) === '{}'));
}
