/**
 * Number formats of docker run flags: byte sizes as docker/go-units
 * RAMInBytes reads them, and CPU counts as docker's --cpus reads them.
 */

/** A number, an optional space, an optional unit letter, then an optional "i" and "b", in any case. */
const sizePattern = /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i;

/** Binary multiples, as RAMInBytes uses them: 1k is 1024 bytes. */
const bytesPerUnit: Record<string, number> = {
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/**
 * Parses a size such as `64m`, `1.5g`, `512MiB`, `2 GB` or `100` (bytes)
 * into bytes, truncating a fraction of a byte like go-units does. Returns
 * undefined when the text is not a size or the result is beyond 2^53.
 */
export function parseByteSize(text: string): number | undefined {
  const match = sizePattern.exec(text);
  if (!match) {
    return undefined;
  }

  // "1.2.3" passes the pattern, as it does in go-units, and fails here.
  const amount = Number(match[1]);
  if (!Number.isFinite(amount)) {
    return undefined;
  }

  const unit = match[2]?.toLowerCase();
  const bytes = Math.trunc(unit ? amount * bytesPerUnit[unit] : amount);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

const decimalPattern = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const fractionPattern = /^([+-]?)(\d+)\/(\d+)$/;

/** Bounds the BigInt work for absurd exponents. A real CPU count is nowhere near 10^400. */
const maxExponent = 400;

/**
 * Converts a CPU count to billionths of a CPU with exact arithmetic, as
 * docker does with Go's big.Rat: a decimal (`1.5`, `.5`, `2e-1`) or a
 * fraction (`3/4`). Returns undefined when the text is no such number, when
 * it is finer than one nano CPU, or when the result is beyond 2^53.
 */
export function parseNanoCpus(text: string): number | undefined {
  const ratio = parseRatio(text);
  if (!ratio) {
    return undefined;
  }

  const nano = ratio.numerator * 1_000_000_000n;
  if (nano % ratio.denominator !== 0n) {
    return undefined;
  }
  const result = nano / ratio.denominator;
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  return result > limit || result < -limit ? undefined : Number(result);
}

function parseRatio(text: string): { numerator: bigint; denominator: bigint } | undefined {
  const fraction = fractionPattern.exec(text);
  if (fraction) {
    const denominator = BigInt(fraction[3]);
    if (denominator === 0n) {
      return undefined;
    }
    const sign = fraction[1] === '-' ? -1n : 1n;
    return { numerator: sign * BigInt(fraction[2]), denominator };
  }

  const decimal = decimalPattern.exec(text);
  if (!decimal) {
    return undefined;
  }
  const [, signText, whole, fractionDigits = '', exponentText = '0'] = decimal;
  const digits = whole + fractionDigits;
  const exponent = Number(exponentText) - fractionDigits.length;
  if (digits.length === 0 || Math.abs(exponent) > maxExponent) {
    return undefined;
  }

  const sign = signText === '-' ? -1n : 1n;
  const mantissa = sign * BigInt(digits);
  return exponent >= 0
    ? { numerator: mantissa * 10n ** BigInt(exponent), denominator: 1n }
    : { numerator: mantissa, denominator: 10n ** BigInt(-exponent) };
}
