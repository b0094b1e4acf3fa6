import { ConfigurationError } from '../errors';

/** Location of a value in a compose file, for error messages. */
export interface InterpolationSource {
  file: string;
  /** Dotted path of the value in the compose file, for example `services.app.image`. */
  path: string;
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Expands variables in one compose file value the way Docker Compose does:
 * `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME-default}`, `${NAME:?message}`
 * and `${NAME?message}`, `${NAME:+alternative}` and `${NAME+alternative}`, with
 * `$$` for a literal dollar sign. Defaults may contain further variables.
 * The colon forms treat an empty value like an unset one.
 */
export function interpolate(text: string, variables: Record<string, string | undefined>, source: InterpolationSource): string {
  let result = '';
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf('$', index);
    if (dollar < 0) {
      result += text.slice(index);
      break;
    }
    result += text.slice(index, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      result += '$';
      index = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(text, dollar + 2);
      if (end < 0) throw invalidFormat(text, source);
      result += expandBraced(text.slice(dollar + 2, end), variables, source, text);
      index = end + 1;
    } else {
      const name = namePattern.exec(text.slice(dollar + 1))?.[0];
      if (!name) throw invalidFormat(text, source);
      result += variables[name] ?? '';
      index = dollar + 1 + name.length;
    }
  }
  return result;
}

/** Interpolates every string in a parsed compose file (values only; keys stay as written). */
export function interpolateDeep(value: unknown, variables: Record<string, string | undefined>, source: InterpolationSource): unknown {
  if (typeof value === 'string') {
    return interpolate(value, variables, source);
  }
  if (Array.isArray(value)) {
    return value.map((item, position) => interpolateDeep(item, variables, { ...source, path: `${source.path}[${position}]` }));
  }
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = interpolateDeep(item, variables, { ...source, path: source.path ? `${source.path}.${key}` : key });
    }
    return result;
  }
  return value;
}

/** Finds the `}` that closes a `${`, skipping nested `${...}` in defaults. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let index = from; index < text.length; index++) {
    if (text[index] === '$' && text[index + 1] === '{') {
      depth++;
      index++;
    } else if (text[index] === '}') {
      if (depth === 0) return index;
      depth--;
    }
  }
  return -1;
}

function expandBraced(body: string, variables: Record<string, string | undefined>, source: InterpolationSource, whole: string): string {
  const name = namePattern.exec(body)?.[0];
  if (!name) throw invalidFormat(whole, source);
  const rest = body.slice(name.length);
  const value = variables[name];
  if (rest === '') return value ?? '';

  const operator = /^(:?[-?+])/.exec(rest)?.[1];
  if (!operator) throw invalidFormat(whole, source);
  const argument = rest.slice(operator.length);
  const missing = operator.startsWith(':') ? value === undefined || value === '' : value === undefined;

  switch (operator.slice(-1)) {
    case '-':
      return missing ? interpolate(argument, variables, source) : (value ?? '');
    case '+':
      return missing ? '' : interpolate(argument, variables, source);
    default: {
      if (!missing) return value ?? '';
      const reason = argument === '' ? `variable ${name} is not set` : interpolate(argument, variables, source);
      throw new ConfigurationError(
        `Required variable ${name} is missing in ${source.file} at ${source.path}: ${reason}. ` +
          'Set it in the environment or in the .env file of the compose project folder.',
        { file: source.file, jsonPath: source.path },
      );
    }
  }
}

function invalidFormat(text: string, source: InterpolationSource): ConfigurationError {
  return new ConfigurationError(
    `Invalid variable reference in ${source.file} at ${source.path}: "${text}". ` +
      'Write ${NAME} or $NAME, and $$ for a literal dollar sign.',
    { file: source.file, jsonPath: source.path },
  );
}
