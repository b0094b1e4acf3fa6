import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import Ajv, { type ValidateFunction } from 'ajv';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

const SCHEMA_DIR = path.resolve(__dirname, '../../../schemas');
const CONFIG_SCHEMA_FILE = path.join(SCHEMA_DIR, 'devcontainer.schema.json');
const FEATURE_SCHEMA_FILE = path.join(SCHEMA_DIR, 'devcontainer-feature.schema.json');

/**
 * Folder of example workspaces, each with a `.devcontainer` folder.
 * The DEVCONTAINER_EXAMPLES_DIR environment variable overrides it.
 */
const EXAMPLES_DIR = process.env.DEVCONTAINER_EXAMPLES_DIR ?? '/work/shared/cases';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Keywords that VS Code's JSON language service reads and JSON Schema draft-07 does not define. */
const EDITOR_KEYWORDS = [
  'allowComments',
  'allowTrailingCommas',
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'deprecationMessage',
  'patternErrorMessage',
  'errorMessage',
  'defaultSnippets',
  'doNotSuggest',
];

/**
 * Properties of devcontainer.json in the current spec, as dotted paths from the root.
 * `*` stands for any key of a map, such as a port in `portsAttributes`.
 */
const CONFIG_PROPERTY_PATHS = [
  '$schema',
  'name',
  'image',
  'build',
  'build.dockerfile',
  'build.context',
  'build.args',
  'build.target',
  'build.cacheFrom',
  'build.options',
  'dockerFile',
  'context',
  'dockerComposeFile',
  'service',
  'runServices',
  'workspaceFolder',
  'workspaceMount',
  'runArgs',
  'appPort',
  'forwardPorts',
  'portsAttributes',
  'portsAttributes.*.label',
  'portsAttributes.*.onAutoForward',
  'portsAttributes.*.elevateIfNeeded',
  'portsAttributes.*.requireLocalPort',
  'portsAttributes.*.protocol',
  'otherPortsAttributes',
  'otherPortsAttributes.label',
  'otherPortsAttributes.onAutoForward',
  'otherPortsAttributes.elevateIfNeeded',
  'otherPortsAttributes.requireLocalPort',
  'otherPortsAttributes.protocol',
  'containerEnv',
  'remoteEnv',
  'containerUser',
  'remoteUser',
  'updateRemoteUserUID',
  'userEnvProbe',
  'overrideCommand',
  'shutdownAction',
  'init',
  'privileged',
  'capAdd',
  'securityOpt',
  'mounts',
  'mounts.type',
  'mounts.source',
  'mounts.target',
  'features',
  'overrideFeatureInstallOrder',
  'hostRequirements',
  'hostRequirements.cpus',
  'hostRequirements.memory',
  'hostRequirements.storage',
  'hostRequirements.gpu',
  'hostRequirements.gpu.cores',
  'hostRequirements.gpu.memory',
  'initializeCommand',
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
  'waitFor',
  'customizations',
  'customizations.vscode',
  'customizations.vscode.extensions',
  'customizations.vscode.settings',
  'secrets',
  'secrets.*.description',
  'secrets.*.documentationUrl',
];

/** Properties of devcontainer-feature.json in the current spec, in the same notation. */
const FEATURE_PROPERTY_PATHS = [
  '$schema',
  'id',
  'version',
  'name',
  'description',
  'documentationURL',
  'licenseURL',
  'keywords',
  'options',
  'options.*.type',
  'options.*.default',
  'options.*.description',
  'options.*.proposals',
  'options.*.enum',
  'containerEnv',
  'privileged',
  'init',
  'capAdd',
  'securityOpt',
  'entrypoint',
  'mounts',
  'mounts.type',
  'mounts.source',
  'mounts.target',
  'installsAfter',
  'dependsOn',
  'customizations',
  'customizations.vscode.extensions',
  'customizations.vscode.settings',
  'deprecated',
  'legacyIds',
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
];

type JsonObject = { [key: string]: unknown };

/** A property declaration found in a schema, with its dotted path from the root. */
interface PropertyDeclaration {
  path: string;
  schema: JsonObject;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readSchema(file: string): JsonObject {
  // JSON.parse rather than a JSONC parser, because the schema files must be plain JSON.
  const schema: unknown = JSON.parse(readFileSync(file, 'utf8'));
  assert.ok(isObject(schema), `${file} must contain a JSON object`);
  return schema;
}

function readJsonc(file: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(readFileSync(file, 'utf8'), errors, { allowTrailingComma: true });
  const messages = errors.map((error) => `${printParseErrorCode(error.error)} at offset ${error.offset}`);
  assert.deepEqual(messages, [], `${file} is not valid JSONC`);
  return value;
}

function isAbsoluteUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function compileSchema(schema: JsonObject): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  ajv.addVocabulary(EDITOR_KEYWORDS);
  ajv.addFormat('uri', { type: 'string', validate: isAbsoluteUrl });
  return ajv.compile(schema);
}

function describeErrors(validate: ValidateFunction): string {
  const errors = validate.errors ?? [];
  return errors.map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`).join('; ');
}

/** Resolves a local `#/definitions/NAME` reference to its subschema. */
function resolveLocalRef(root: JsonObject, ref: string): JsonObject {
  const prefix = '#/definitions/';
  assert.ok(ref.startsWith(prefix), `unsupported $ref ${ref}, expected the form ${prefix}NAME`);
  const definitions = isObject(root.definitions) ? root.definitions : {};
  const target = definitions[ref.slice(prefix.length)];
  assert.ok(isObject(target), `$ref ${ref} points to no definition`);
  return target;
}

/**
 * Collects every property declaration reachable from the root, following local `$ref`s,
 * so that a property declared inside a definition gets the path where it is used.
 */
function collectPropertyDeclarations(root: JsonObject): PropertyDeclaration[] {
  const declarations: PropertyDeclaration[] = [];

  const visit = (schema: unknown, prefix: string[], followedRefs: ReadonlySet<string>): void => {
    if (!isObject(schema)) {
      return;
    }

    if (typeof schema.$ref === 'string' && !followedRefs.has(schema.$ref)) {
      visit(resolveLocalRef(root, schema.$ref), prefix, new Set([...followedRefs, schema.$ref]));
    }

    if (isObject(schema.properties)) {
      for (const [name, property] of Object.entries(schema.properties)) {
        if (isObject(property)) {
          declarations.push({ path: [...prefix, name].join('.'), schema: property });
        }
        visit(property, [...prefix, name], followedRefs);
      }
    }

    if (isObject(schema.patternProperties)) {
      for (const value of Object.values(schema.patternProperties)) {
        visit(value, [...prefix, '*'], followedRefs);
      }
    }
    visit(schema.additionalProperties, [...prefix, '*'], followedRefs);

    // Array items share the path of their array, so `mounts.target` names a field of each mount.
    visit(schema.items, prefix, followedRefs);
    for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
      const branches = schema[keyword];
      for (const branch of Array.isArray(branches) ? branches : []) {
        visit(branch, prefix, followedRefs);
      }
    }
    visit(schema.then, prefix, followedRefs);
    visit(schema.else, prefix, followedRefs);
  };

  visit(root, [], new Set());
  return declarations;
}

/**
 * Lists the JSON pointers of property declarations without a description, anywhere in the
 * file including unreferenced definitions. Conditions (`if`, `not`) only test values and are skipped.
 */
function findUndescribedProperties(schema: unknown, pointer = '#'): string[] {
  if (!isObject(schema)) {
    return [];
  }
  const missing: string[] = [];

  for (const mapKeyword of ['properties', 'patternProperties', 'definitions']) {
    const map = schema[mapKeyword];
    if (!isObject(map)) {
      continue;
    }
    for (const [name, subschema] of Object.entries(map)) {
      const subPointer = `${pointer}/${mapKeyword}/${name}`;
      if (mapKeyword === 'properties' && !hasDescription(subschema)) {
        missing.push(subPointer);
      }
      missing.push(...findUndescribedProperties(subschema, subPointer));
    }
  }

  for (const keyword of ['additionalProperties', 'items', 'then', 'else']) {
    missing.push(...findUndescribedProperties(schema[keyword], `${pointer}/${keyword}`));
  }
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const branches = schema[keyword];
    (Array.isArray(branches) ? branches : []).forEach((branch, index) => {
      missing.push(...findUndescribedProperties(branch, `${pointer}/${keyword}/${index}`));
    });
  }
  return missing;
}

function hasDescription(schema: unknown): boolean {
  return isObject(schema) && typeof schema.description === 'string' && schema.description.trim().length > 0;
}

function collectRefs(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(collectRefs);
  }
  if (!isObject(value)) {
    return [];
  }
  const own = typeof value.$ref === 'string' ? [value.$ref] : [];
  return [...own, ...Object.values(value).flatMap(collectRefs)];
}

/** Lists files with one of the given names under a folder, skipping dependency and Git folders. */
function findFiles(folder: string, fileNames: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const entryPath = path.join(folder, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== '.git') {
      found.push(...findFiles(entryPath, fileNames));
    } else if (entry.isFile() && fileNames.has(entry.name)) {
      found.push(entryPath);
    }
  }
  return found.sort();
}

function assertPropertiesDescribed(schema: JsonObject, expectedPaths: string[]): void {
  const declarations = collectPropertyDeclarations(schema);
  for (const expectedPath of expectedPaths) {
    const matches = declarations.filter((declaration) => declaration.path === expectedPath);
    assert.ok(matches.length > 0, `property ${expectedPath} is not declared`);
    assert.ok(
      matches.some((declaration) => hasDescription(declaration.schema)),
      `property ${expectedPath} has no non-empty description`,
    );
  }
}

function enumOf(schema: JsonObject, propertyPath: string): unknown {
  const declaration = collectPropertyDeclarations(schema).find((candidate) => candidate.path === propertyPath);
  assert.ok(declaration, `property ${propertyPath} is not declared`);
  const target = typeof declaration.schema.$ref === 'string'
    ? resolveLocalRef(schema, declaration.schema.$ref)
    : declaration.schema;
  return target.enum;
}

function assertExamplesValid(validate: ValidateFunction, files: string[]): void {
  for (const file of files) {
    const valid = validate(readJsonc(file));
    assert.ok(valid, `${file} does not validate: ${describeErrors(validate)}`);
  }
}

interface ValidationCase {
  name: string;
  value: unknown;
}

interface InvalidCase extends ValidationCase {
  /** JSON pointer of the value that the error must name, such as `/forwardPorts/0`, or `''` for the root. */
  errorAt: string;
}

function assertAllValid(validate: ValidateFunction, cases: ValidationCase[]): void {
  for (const { name, value } of cases) {
    assert.ok(validate(value), `${name}: expected valid, got ${describeErrors(validate)}`);
  }
}

function assertAllInvalid(validate: ValidateFunction, cases: InvalidCase[]): void {
  for (const { name, value, errorAt } of cases) {
    assert.equal(validate(value), false, `${name}: expected a validation error`);
    const reported = (validate.errors ?? []).some((error) => error.instancePath === errorAt);
    assert.ok(reported, `${name}: expected an error at '${errorAt}', got ${describeErrors(validate)}`);
  }
}

describe('devcontainer.json schema', () => {
  const schema = readSchema(CONFIG_SCHEMA_FILE);
  const validate = compileSchema(schema);

  test('is a draft-07 schema', () => {
    assert.equal(schema.$schema, DRAFT_07);
    assert.equal(schema.type, 'object');
  });

  test('describes every spec property', () => {
    assertPropertiesDescribed(schema, CONFIG_PROPERTY_PATHS);
  });

  test('describes every declared property', () => {
    assert.deepEqual(findUndescribedProperties(schema), []);
  });

  test('uses only local references', () => {
    for (const ref of collectRefs(schema)) {
      assert.match(ref, /^#\//, `$ref ${ref} is not local, so the schema would not work offline`);
    }
  });

  test('lists the spec enum values', () => {
    assert.deepEqual(enumOf(schema, 'shutdownAction'), ['none', 'stopContainer', 'stopCompose']);
    assert.deepEqual(enumOf(schema, 'userEnvProbe'), [
      'none',
      'interactiveShell',
      'loginShell',
      'loginInteractiveShell',
    ]);
    assert.deepEqual(enumOf(schema, 'waitFor'), [
      'initializeCommand',
      'onCreateCommand',
      'updateContentCommand',
      'postCreateCommand',
      'postStartCommand',
    ]);
    assert.deepEqual(enumOf(schema, 'portsAttributes.*.onAutoForward'), [
      'notify',
      'openBrowser',
      'openBrowserOnce',
      'openPreview',
      'silent',
      'ignore',
    ]);
    assert.deepEqual(enumOf(schema, 'portsAttributes.*.protocol'), ['http', 'https']);
    assert.deepEqual(enumOf(schema, 'mounts.type'), ['bind', 'volume']);
  });

  test('accepts valid configurations', () => {
    assertAllValid(validate, [
      { name: 'image only', value: { image: 'debian:bookworm' } },
      {
        name: 'Dockerfile with every build option',
        value: {
          build: {
            dockerfile: 'Dockerfile',
            context: '..',
            args: { VARIANT: 'bookworm', FROM_HOST: '${localEnv:HOME}' },
            target: 'dev',
            cacheFrom: ['cache:a', 'cache:b'],
            options: ['--network=host'],
          },
        },
      },
      { name: 'cacheFrom as a string', value: { build: { dockerfile: 'Dockerfile', cacheFrom: 'cache:a' } } },
      { name: 'legacy dockerFile and context', value: { dockerFile: 'Dockerfile', context: '..' } },
      { name: 'Compose with one file', value: { dockerComposeFile: 'compose.yml', service: 'app' } },
      {
        name: 'Compose with several files',
        value: {
          dockerComposeFile: ['base.yml', 'override.yml'],
          service: 'app',
          runServices: ['app', 'db'],
          workspaceFolder: '/workspace',
          shutdownAction: 'stopCompose',
          overrideCommand: true,
        },
      },
      {
        name: 'every general property',
        value: {
          $schema: 'https://example.invalid/devcontainer.schema.json',
          name: 'all properties',
          image: 'debian:bookworm',
          workspaceFolder: '/workspace',
          workspaceMount: 'source=${localWorkspaceFolder},target=/workspace,type=bind',
          runArgs: ['--hostname=dev'],
          appPort: [8000, '8001:8010'],
          forwardPorts: [3000, 'db:5432', 'my-host.local:8080'],
          portsAttributes: {
            '3000': {
              label: 'App',
              onAutoForward: 'openBrowserOnce',
              elevateIfNeeded: true,
              requireLocalPort: true,
              protocol: 'https',
            },
            '40000-55000': { onAutoForward: 'ignore' },
          },
          otherPortsAttributes: { onAutoForward: 'silent' },
          containerEnv: { A: 'a' },
          remoteEnv: { PATH: '${containerEnv:PATH}:/opt/bin', REMOVED: null },
          containerUser: 'root',
          remoteUser: 'dev',
          updateRemoteUserUID: false,
          userEnvProbe: 'loginShell',
          overrideCommand: false,
          shutdownAction: 'none',
          init: true,
          privileged: false,
          capAdd: ['SYS_PTRACE'],
          securityOpt: ['seccomp=unconfined'],
          mounts: [
            'source=cache,target=/cache,type=volume',
            { type: 'bind', source: '${localWorkspaceFolder}/data', target: '/data' },
            { type: 'volume', target: '/anonymous' },
          ],
          features: {
            'ghcr.io/devcontainers/features/node:1': { version: '20', installYarn: false },
            'ghcr.io/devcontainers/features/go': '1.22',
            'ghcr.io/devcontainers/features/github-cli': true,
            './local-feature': {},
          },
          overrideFeatureInstallOrder: ['./local-feature'],
          hostRequirements: { cpus: 2, memory: '4gb', storage: '32gb', gpu: 'optional' },
          initializeCommand: ['touch', 'marker'],
          onCreateCommand: 'echo created',
          updateContentCommand: { install: 'npm ci', build: ['npm', 'run', 'build'] },
          postCreateCommand: 'echo done',
          postStartCommand: ['echo', 'started'],
          postAttachCommand: { server: 'npm start' },
          waitFor: 'postCreateCommand',
          customizations: {
            vscode: { extensions: ['dbaeumer.vscode-eslint'], settings: { 'editor.tabSize': 2 } },
            codespaces: { openFiles: ['README.md'] },
          },
          secrets: {
            API_KEY: { description: 'Key for the API.', documentationUrl: 'https://example.invalid/keys' },
            OTHER_TOKEN: {},
          },
          'x-unknown-property': 'kept, because unknown top-level properties are allowed',
        },
      },
      { name: 'gpu as a boolean', value: { image: 'i', hostRequirements: { gpu: true } } },
      { name: 'gpu as an object', value: { image: 'i', hostRequirements: { gpu: { cores: 2, memory: '8gb' } } } },
      { name: 'appPort as a number', value: { image: 'i', appPort: 3000 } },
    ]);
  });

  test('rejects invalid configurations', () => {
    assertAllInvalid(validate, [
      {
        name: 'forwardPorts as a string',
        errorAt: '/forwardPorts',
        value: { image: 'i', forwardPorts: 'x' },
      },
      {
        name: 'forwardPorts entry without a port',
        errorAt: '/forwardPorts/0',
        value: { image: 'i', forwardPorts: ['x'] },
      },
      {
        name: 'forwardPorts entry out of range',
        errorAt: '/forwardPorts/0',
        value: { image: 'i', forwardPorts: [70000] },
      },
      {
        name: 'unknown shutdownAction',
        errorAt: '/shutdownAction',
        value: { image: 'i', shutdownAction: 'bogus' },
      },
      { name: 'no image, Dockerfile or Compose file', errorAt: '', value: { name: 'nothing to run' } },
      { name: 'empty configuration', errorAt: '', value: {} },
      { name: 'build without dockerfile', errorAt: '', value: { build: { context: '..' } } },
      {
        name: 'misspelled build property',
        errorAt: '/build',
        value: { build: { dockerfile: 'Dockerfile', dockerFile: 'x' } },
      },
      { name: 'Compose without service', errorAt: '', value: { dockerComposeFile: 'compose.yml' } },
      { name: 'empty image name', errorAt: '/image', value: { image: '' } },
      { name: 'unknown userEnvProbe', errorAt: '/userEnvProbe', value: { image: 'i', userEnvProbe: 'bash' } },
      { name: 'unknown waitFor', errorAt: '/waitFor', value: { image: 'i', waitFor: 'postAttachCommand' } },
      {
        name: 'unknown onAutoForward',
        errorAt: '/portsAttributes/80/onAutoForward',
        value: { image: 'i', portsAttributes: { '80': { onAutoForward: 'open' } } },
      },
      {
        name: 'openBrowserOnce for other ports',
        errorAt: '/otherPortsAttributes/onAutoForward',
        value: { image: 'i', otherPortsAttributes: { onAutoForward: 'openBrowserOnce' } },
      },
      {
        name: 'mount object without target',
        errorAt: '/mounts/0',
        value: { image: 'i', mounts: [{ type: 'bind', source: '/a' }] },
      },
      {
        name: 'unknown mount type',
        errorAt: '/mounts/0/type',
        value: { image: 'i', mounts: [{ type: 'tmpfs', target: '/t' }] },
      },
      {
        name: 'Feature value as a number',
        errorAt: '/features/ghcr.io~1x~1y',
        value: { image: 'i', features: { 'ghcr.io/x/y': 3 } },
      },
      {
        name: 'Feature option as an object',
        errorAt: '/features/ghcr.io~1x~1y/a',
        value: { image: 'i', features: { 'ghcr.io/x/y': { a: {} } } },
      },
      {
        name: 'memory with upper-case unit',
        errorAt: '/hostRequirements/memory',
        value: { image: 'i', hostRequirements: { memory: '4GB' } },
      },
      {
        name: 'gpu with unknown string',
        errorAt: '/hostRequirements/gpu',
        value: { image: 'i', hostRequirements: { gpu: 'required' } },
      },
      {
        name: 'lifecycle command with numbers',
        errorAt: '/postCreateCommand/1',
        value: { image: 'i', postCreateCommand: ['echo', 1] },
      },
      {
        name: 'containerEnv value as a number',
        errorAt: '/containerEnv/A',
        value: { image: 'i', containerEnv: { A: 1 } },
      },
      { name: 'remoteUser as a number', errorAt: '/remoteUser', value: { image: 'i', remoteUser: 1000 } },
      {
        name: 'secret name starting with a digit',
        errorAt: '/secrets',
        value: { image: 'i', secrets: { '1KEY': {} } },
      },
      {
        name: 'vscode extensions as a string',
        errorAt: '/customizations/vscode/extensions',
        value: { image: 'i', customizations: { vscode: { extensions: 'a.b' } } },
      },
    ]);
  });

  test('accepts the example configurations', (context) => {
    if (!existsSync(EXAMPLES_DIR)) {
      context.skip(`example folder ${EXAMPLES_DIR} not found. Set DEVCONTAINER_EXAMPLES_DIR to run this test.`);
      return;
    }
    const files = findFiles(EXAMPLES_DIR, new Set(['devcontainer.json', '.devcontainer.json']));
    assert.ok(files.length > 0, `no devcontainer.json under ${EXAMPLES_DIR}`);
    assertExamplesValid(validate, files);
  });
});

describe('devcontainer-feature.json schema', () => {
  const schema = readSchema(FEATURE_SCHEMA_FILE);
  const validate = compileSchema(schema);

  test('is a draft-07 schema', () => {
    assert.equal(schema.$schema, DRAFT_07);
    assert.deepEqual(schema.required, ['id', 'version']);
  });

  test('describes every spec property', () => {
    assertPropertiesDescribed(schema, FEATURE_PROPERTY_PATHS);
  });

  test('describes every declared property', () => {
    assert.deepEqual(findUndescribedProperties(schema), []);
  });

  test('uses only local references', () => {
    for (const ref of collectRefs(schema)) {
      assert.match(ref, /^#\//, `$ref ${ref} is not local, so the schema would not work offline`);
    }
  });

  test('accepts valid Features', () => {
    assertAllValid(validate, [
      { name: 'id and version only', value: { id: 'tool', version: '1.0.0' } },
      {
        name: 'every property',
        value: {
          $schema: 'https://example.invalid/devcontainer-feature.schema.json',
          id: 'tool',
          version: '1.2.3',
          name: 'Tool',
          description: 'Installs the tool.',
          documentationURL: 'https://example.invalid/docs',
          licenseURL: 'https://example.invalid/license',
          keywords: ['tool'],
          options: {
            version: { type: 'string', proposals: ['latest', '1.0'], default: 'latest', description: 'Version.' },
            flavor: { type: 'string', enum: ['small', 'large'], default: 'small' },
            installExtras: { type: 'boolean', default: true, description: 'Extras.' },
            noDefault: { type: 'string' },
          },
          containerEnv: { PATH: '/opt/tool/bin:${PATH}' },
          privileged: true,
          init: true,
          capAdd: ['SYS_PTRACE'],
          securityOpt: ['seccomp=unconfined'],
          entrypoint: '/usr/local/share/tool-init.sh',
          mounts: [
            { type: 'volume', source: 'tool-${devcontainerId}', target: '/var/lib/tool' },
            'source=cache,target=/cache,type=volume',
          ],
          installsAfter: ['ghcr.io/devcontainers/features/common-utils'],
          dependsOn: { 'ghcr.io/devcontainers/features/node:1': { version: '20' }, './other': {} },
          customizations: { vscode: { extensions: ['publisher.tool'], settings: { 'tool.path': '/opt/tool' } } },
          deprecated: false,
          legacyIds: ['old-tool'],
          onCreateCommand: 'tool init',
          updateContentCommand: ['tool', 'update'],
          postCreateCommand: { a: 'tool a', b: ['tool', 'b'] },
          postStartCommand: 'tool start',
          postAttachCommand: 'tool attach',
        },
      },
    ]);
  });

  test('rejects invalid Features', () => {
    assertAllInvalid(validate, [
      { name: 'missing id', errorAt: '', value: { version: '1.0.0' } },
      { name: 'missing version', errorAt: '', value: { id: 'tool' } },
      {
        name: 'misspelled property',
        errorAt: '',
        value: { id: 'tool', version: '1.0.0', installAfter: ['x'] },
      },
      {
        name: 'option of type number',
        errorAt: '/options/a/type',
        value: { id: 't', version: '1', options: { a: { type: 'number' } } },
      },
      {
        name: 'option without type',
        errorAt: '/options/a',
        value: { id: 't', version: '1', options: { a: { default: 'x' } } },
      },
      {
        name: 'boolean option with a string default',
        errorAt: '/options/a/default',
        value: { id: 't', version: '1', options: { a: { type: 'boolean', default: 'true' } } },
      },
      {
        name: 'string option with a boolean default',
        errorAt: '/options/a/default',
        value: { id: 't', version: '1', options: { a: { type: 'string', default: true } } },
      },
      {
        name: 'string option with proposals and enum',
        errorAt: '/options/a',
        value: { id: 't', version: '1', options: { a: { type: 'string', proposals: ['x'], enum: ['x'] } } },
      },
      {
        name: 'boolean option with enum',
        errorAt: '/options/a',
        value: { id: 't', version: '1', options: { a: { type: 'boolean', enum: ['x'] } } },
      },
      {
        name: 'documentationURL not a URL',
        errorAt: '/documentationURL',
        value: { id: 't', version: '1', documentationURL: 'docs page' },
      },
      {
        name: 'initializeCommand in a Feature',
        errorAt: '',
        value: { id: 't', version: '1', initializeCommand: 'x' },
      },
      {
        name: 'mount object without type',
        errorAt: '/mounts/0',
        value: { id: 't', version: '1', mounts: [{ source: 'a', target: '/a' }] },
      },
    ]);
  });

  test('accepts the example Features', (context) => {
    if (!existsSync(EXAMPLES_DIR)) {
      context.skip(`example folder ${EXAMPLES_DIR} not found. Set DEVCONTAINER_EXAMPLES_DIR to run this test.`);
      return;
    }
    const files = findFiles(EXAMPLES_DIR, new Set(['devcontainer-feature.json']));
    assert.ok(files.length > 0, `no devcontainer-feature.json under ${EXAMPLES_DIR}`);
    assertExamplesValid(validate, files);
  });
});
