import type { ErrorObject } from 'ajv';
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import { ConfigurationError } from '../errors';
import validateDevcontainer from './generated/validateDevcontainer';
import { positionAt } from './jsonc';

/**
 * Checks a parsed devcontainer.json against the schema in
 * schemas/devcontainer.schema.json, before anything is built. The first
 * problem raises a ConfigurationError naming the property, the file, and the
 * line and column of the offending value.
 */
export function validateConfig(
  config: unknown,
  text: string,
  file: string,
  options: { requireContainerSource?: boolean } = {},
): void {
  if (validateDevcontainer(config)) {
    return;
  }
  let errors = validateDevcontainer.errors ?? [];
  if (options.requireContainerSource === false) {
    // The schema's top-level if/then is the "image, Dockerfile or compose" rule.
    errors = errors.filter((error) => !/^#\/(if|then)\b/.test(error.schemaPath) && error.keyword !== 'if');
  }
  const error = mostSpecific(errors);
  if (!error) {
    return;
  }

  const segments = pathSegments(error);
  const tree = parseTree(text, [], { allowTrailingComma: true });
  const node = tree ? locate(tree, segments, error.keyword === 'additionalProperties') : undefined;
  const { line, column } = positionAt(text, node?.offset ?? 0);
  const jsonPath = formatJsonPath(segments);
  const subject = jsonPath ? `value for "${jsonPath}"` : 'configuration';

  throw new ConfigurationError(
    `Invalid ${subject} in ${file} at line ${line}, column ${column}: ${describe(error)}.`,
    { file, line, column, jsonPath },
  );
}

/**
 * Picks the error to report. Schema alternatives (oneOf, anyOf) produce one
 * error per branch; the deepest path is the one closest to the mistake, and
 * a type or enum error is more specific than "must match a schema in anyOf".
 */
function mostSpecific(errors: ErrorObject[]): ErrorObject | undefined {
  const rank = (error: ErrorObject) =>
    pathSegments(error).length * 10 + (['anyOf', 'oneOf', 'if', 'not'].includes(error.keyword) ? 0 : 1);
  return [...errors].sort((a, b) => rank(b) - rank(a))[0];
}

/** Splits an error's instance path, adding the property an error names. */
function pathSegments(error: ErrorObject): (string | number)[] {
  const segments: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  if (error.keyword === 'additionalProperties') {
    segments.push(String(error.params.additionalProperty));
  }
  return segments;
}

/**
 * Finds the node for a path, falling back to the nearest ancestor that
 * exists. For an unknown property it returns the property, so the position
 * is that of its name rather than its value.
 */
function locate(tree: Node, segments: (string | number)[], atPropertyName: boolean): Node | undefined {
  for (let length = segments.length; length >= 0; length--) {
    const node = findNodeAtLocation(tree, segments.slice(0, length));
    if (node) {
      const isWholePath = length === segments.length;
      return atPropertyName && isWholePath && node.parent?.type === 'property' ? node.parent : node;
    }
  }
  return undefined;
}

function formatJsonPath(segments: (string | number)[]): string {
  return segments
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `expected ${article(String(params.type))}`;
    case 'enum':
      return `expected one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'const':
      return `expected ${JSON.stringify(params.allowedValue)}`;
    case 'additionalProperties':
      return `unknown property "${String(params.additionalProperty)}"; check its spelling`;
    case 'required':
      return `missing property "${String(params.missingProperty)}"`;
    case 'dependencies':
      return `"${String(params.property)}" also needs "${String(params.missingProperty)}"`;
    case 'minLength':
      return 'must not be empty';
    case 'pattern':
      return `expected a value matching ${String(params.pattern)}`;
    case 'minimum':
    case 'maximum':
      return `expected a number ${error.keyword === 'minimum' ? '>=' : '<='} ${String(params.limit)}`;
    case 'not':
      return 'missing container source: set "image", "build.dockerfile" or "dockerComposeFile"';
    default:
      return error.message ?? `fails the "${error.keyword}" rule`;
  }
}

function article(types: string): string {
  return types
    .split(',')
    .map((type) => (type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`))
    .join(' or ');
}
