import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigurationError } from '../errors';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Converts a character offset into a 1-based line and column. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses JSON with comments the way devcontainer.json allows: comments and
 * trailing commas are accepted, any other syntax error raises a
 * ConfigurationError with the file, line and column of the first error.
 */
export function parseJsonc(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });

  if (errors.length > 0) {
    const first = errors[0];
    const { line, column } = positionAt(text, first.offset);
    throw new ConfigurationError(
      `Invalid JSON in ${file} at line ${line}, column ${column}: ${describeParseError(first)}. ` +
        'Fix the syntax and try again.',
      { file, line, column },
    );
  }
  return value;
}

/**
 * Parses a file that must hold one JSON object, such as devcontainer.json or
 * devcontainer-feature.json.
 */
export function parseJsoncObject(text: string, file: string): Record<string, unknown> {
  const value = parseJsonc(text, file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError(
      `Invalid configuration in ${file}: the top level must be a JSON object.`,
      { file, line: 1, column: 1 },
    );
  }
  return value as Record<string, unknown>;
}

function describeParseError(error: ParseError): string {
  const words = printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
