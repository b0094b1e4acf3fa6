import { ConfigurationError } from '../errors';

/**
 * Parses repeated `name=value` options (`--id-label`, `--remote-env`,
 * `--label`) into a map. The value may contain `=`; an entry without a name
 * or `=` is rejected with the option named.
 */
export function parseNameValuePairs(pairs: string[] | undefined, flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      throw new ConfigurationError(`Invalid ${flag} "${pair}": expected name=value.`);
    }
    result[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return result;
}
