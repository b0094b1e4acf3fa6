import {
  badFlagSyntaxError,
  missingValueError,
  positionalError,
  unsplitElementError,
  unsupportedFlagError,
} from './errors';
import type { FlagSpec, FlagUse } from './flag';

/** The flags indexed by every long name and alias, and by their one-letter names. */
export interface FlagTable {
  long: Map<string, FlagSpec>;
  short: Map<string, FlagSpec>;
}

export interface FlagMatch {
  spec: FlagSpec;
  use: FlagUse;
}

export function buildFlagTable(specs: FlagSpec[]): FlagTable {
  const table: FlagTable = { long: new Map(), short: new Map() };
  for (const spec of specs) {
    for (const name of [spec.name, ...(spec.aliases ?? [])]) {
      table.long.set(name, spec);
    }
    if (spec.short) {
      table.short.set(spec.short, spec);
    }
  }
  return table;
}

/**
 * Splits runArgs into flags and values by the rules of spf13/pflag, the
 * parser docker uses: `--flag=value`, `--flag value`, `-f value`, `-fvalue`,
 * `-f=value`, and groups of one-letter boolean flags such as `-it`, where the
 * last letter may take a value (`-ite X=1`). A flag that takes a value
 * consumes the next element even when it starts with a dash, as in docker.
 * Elements are never split on whitespace.
 */
export function tokenizeRunArgs(args: readonly string[], table: FlagTable, file: string): FlagMatch[] {
  const matches: FlagMatch[] = [];
  let next = 0;
  const takeNext = (): string | undefined => (next < args.length ? args[next++] : undefined);

  while (next < args.length) {
    const index = next;
    const element = takeNext() as string;
    if (element.length < 2 || !element.startsWith('-') || element === '--') {
      throw positionalError(element, index, file);
    }

    if (element.startsWith('--')) {
      matches.push(readLongFlag(element, index, { table, file, takeNext }));
    } else {
      matches.push(...readShortFlags(element, index, { table, file, takeNext }));
    }
  }
  return matches;
}

interface ReadContext {
  table: FlagTable;
  file: string;
  takeNext: () => string | undefined;
}

function readLongFlag(element: string, index: number, context: ReadContext): FlagMatch {
  const body = element.slice(2);
  if (body.startsWith('-') || body.startsWith('=')) {
    throw badFlagSyntaxError(element, index, context.file);
  }

  const equals = body.indexOf('=');
  const name = equals < 0 ? body : body.slice(0, equals);
  const spelling = `--${name}`;
  const spec = context.table.long.get(name);
  if (!spec) {
    throw /\s/.test(name)
      ? unsplitElementError(element, index, context.file)
      : unsupportedFlagError(spelling, index, context.file);
  }

  let value: string | undefined;
  if (equals >= 0) {
    value = body.slice(equals + 1);
  } else if (spec.boolean) {
    value = 'true';
  } else {
    value = context.takeNext();
  }
  if (value === undefined) {
    throw missingValueError(spelling, index, context.file);
  }
  return { spec, use: { flag: `--${spec.name}`, spelling, index, value } };
}

function readShortFlags(element: string, index: number, context: ReadContext): FlagMatch[] {
  const matches: FlagMatch[] = [];
  let letters = element.slice(1);

  while (letters.length > 0) {
    const letter = letters[0];
    const spelling = `-${letter}`;
    const spec = context.table.short.get(letter);
    if (!spec) {
      throw /\s/.test(letter)
        ? unsplitElementError(element, index, context.file)
        : unsupportedFlagError(spelling, index, context.file, element);
    }

    let value: string | undefined;
    if (letters.length > 2 && letters[1] === '=') {
      value = letters.slice(2);
      letters = '';
    } else if (spec.boolean) {
      value = 'true';
      letters = letters.slice(1);
    } else if (letters.length > 1) {
      value = letters.slice(1);
      letters = '';
      // Docker would keep the leading space of "-e FOO=1". That is never what a
      // runArgs author means, because they expected shell splitting.
      if (/^\s/.test(value)) {
        throw unsplitElementError(element, index, context.file);
      }
    } else {
      value = context.takeNext();
      letters = '';
    }
    if (value === undefined) {
      throw missingValueError(spelling, index, context.file);
    }
    matches.push({ spec, use: { flag: `--${spec.name}`, spelling, index, value } });
  }
  return matches;
}
