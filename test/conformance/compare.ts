import { isDeepStrictEqual } from 'node:util';
import { knownDifferences, type KnownDifference, type ValueMatcher } from './knownDifferences';

/** Marks a key that one side has and the other lacks. */
export const ABSENT = '<absent>';

/** One leaf where our value and the reference's differ, after normalization. */
export interface Difference {
  property: string;
  ours: unknown;
  reference: unknown;
}

/**
 * Side-specific strings that are replaced by a placeholder before values are
 * compared: each CLI works on its own copy of the workspace, so paths, the
 * container id and `${devcontainerId}` differ by construction.
 */
export interface SideTokens {
  workspaceFolder: string;
  copyRoot: string;
  devcontainerId: string;
  containerId: string;
}

/** Replaces side-specific strings in every string inside `value`. */
export function normalize(value: unknown, tokens: SideTokens): unknown {
  if (typeof value === 'string') {
    return normalizeString(value, tokens);
  }
  if (Array.isArray(value)) {
    return value.map((item) => normalize(item, tokens));
  }
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[normalizeString(key, tokens)] = normalize(item, tokens);
    }
    return result;
  }
  return value;
}

function normalizeString(text: string, tokens: SideTokens): string {
  let result = text;
  const replacements: [string, string][] = [
    [tokens.workspaceFolder, '<workspace>'],
    [tokens.copyRoot, '<copy-root>'],
    [tokens.devcontainerId, '<devcontainerId>'],
  ];
  if (tokens.containerId) {
    replacements.push([tokens.containerId, '<containerId>'], [tokens.containerId.slice(0, 12), '<containerId>']);
  }
  for (const [from, to] of replacements) {
    if (from) result = result.split(from).join(to);
  }
  return result;
}

/**
 * Lists the leaves where two values differ. Objects are walked key by key and
 * arrays index by index. An array whose length differs is one difference.
 */
export function diffValues(property: string, ours: unknown, reference: unknown): Difference[] {
  if (isDeepStrictEqual(ours, reference)) {
    return [];
  }
  if (isPlainObject(ours) && isPlainObject(reference)) {
    const keys = [...new Set([...Object.keys(ours), ...Object.keys(reference)])].sort();
    return keys.flatMap((key) =>
      diffValues(joinPath(property, key), key in ours ? ours[key] : ABSENT, key in reference ? reference[key] : ABSENT),
    );
  }
  if (Array.isArray(ours) && Array.isArray(reference) && ours.length === reference.length) {
    return ours.flatMap((item, index) => diffValues(`${property}[${index}]`, item, reference[index]));
  }
  return [{ property, ours, reference }];
}

function joinPath(property: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${property}.${key}` : `${property}[${JSON.stringify(key)}]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Finds the known-difference entry that covers a difference in a group, if any. */
export function findKnownDifference(group: string, difference: Difference): KnownDifference | undefined {
  return knownDifferences.find(
    (entry) =>
      (entry.groups === '*' || entry.groups.includes(group)) &&
      propertyMatches(entry.property, difference.property) &&
      valueMatches(entry.ours, difference.ours) &&
      valueMatches(entry.reference, difference.reference),
  );
}

/** Matches a property path against a pattern in which `*` stands for any run of characters. */
function propertyMatches(pattern: string, property: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(property);
}

function valueMatches(matcher: ValueMatcher, value: unknown): boolean {
  if (typeof matcher === 'function') {
    return matcher(value);
  }
  return isDeepStrictEqual(matcher, value);
}

/** The outcome of comparing one property of a group. */
export interface Verdicts {
  unexplained: Difference[];
  bugsInOurs: { difference: Difference; entry: KnownDifference }[];
  accepted: { difference: Difference; entry: KnownDifference }[];
}

/** Sorts each difference into unexplained, known bug in ours, or accepted. */
export function judgeDifferences(group: string, differences: Difference[]): Verdicts {
  const verdicts: Verdicts = { unexplained: [], bugsInOurs: [], accepted: [] };
  for (const difference of differences) {
    const entry = findKnownDifference(group, difference);
    if (!entry) {
      verdicts.unexplained.push(difference);
    } else if (entry.verdict === 'bug in ours') {
      verdicts.bugsInOurs.push({ difference, entry });
    } else {
      verdicts.accepted.push({ difference, entry });
    }
  }
  return verdicts;
}

export function describeDifference(difference: Difference): string {
  return `${difference.property}: ours ${show(difference.ours)}, reference ${show(difference.reference)}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  if (text.length > 400) return `${text.slice(0, 400)}…`;
  return text;
}
