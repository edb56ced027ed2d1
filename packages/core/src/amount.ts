import { AppError } from '@xmargin/errors';

/** A token amount: integer raw units and the asset's decimals. `value = raw / 10^decimals`, exactly. */
export interface Amount {
  readonly raw: bigint;
  readonly decimals: number;
}

/**
 * How to round when a result is not representable.
 * - `floor`: toward -infinity (what a holder's asset is worth: never round it up);
 * - `ceil`: toward +infinity (what a holder owes: never round it down);
 * - `trunc`: toward zero; `half-even`: banker's rounding (display only);
 * - `exact`: throw `CORE__AMOUNT_PRECISION_LOSS` instead of rounding.
 */
export type Rounding = 'floor' | 'ceil' | 'trunc' | 'half-even' | 'exact';

/** Rounding that never favours the holder, by side of the balance sheet. */
export const HOLDER_SAFE_ROUNDING = { asset: 'floor', liability: 'ceil' } as const satisfies Record<
  string,
  Rounding
>;

const MAX_DECIMALS = 77; // u256 max has 78 digits

function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new AppError('CORE__INVALID_AMOUNT', {
      shortMessage: `Invalid decimals ${decimals}: expected an integer in [0, ${MAX_DECIMALS}]`,
      context: { input: String(decimals), reason: 'decimals out of range' },
    });
  }
}

export function amount(raw: bigint, decimals: number): Amount {
  checkDecimals(decimals);
  return { raw, decimals };
}

export const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Integer division `n / d` rounded with `mode` (d != 0). `exact` throws when there is a remainder. */
export function divRound(n: bigint, d: bigint, mode: Rounding, what = `${n}/${d}`): bigint {
  if (d === 0n) throw new AppError('CORE__DIVISION_BY_ZERO');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d; // truncates toward zero
  const r = n % d; // same sign as n
  if (r === 0n) return q;
  switch (mode) {
    case 'trunc':
      return q;
    case 'floor':
      return n < 0n ? q - 1n : q;
    case 'ceil':
      return n > 0n ? q + 1n : q;
    case 'half-even': {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice < d) return q;
      const away = n < 0n ? q - 1n : q + 1n;
      if (twice > d) return away;
      return q % 2n === 0n ? q : away;
    }
    case 'exact':
      throw new AppError('CORE__AMOUNT_PRECISION_LOSS', {
        shortMessage: `${what} is not exact`,
        context: { input: what, decimals: 0 },
      });
  }
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a plain decimal string ("-12.345", no exponent, no separators) into raw units.
 * More fractional digits than `decimals` are rounded with `rounding` (default: refuse).
 */
export function parseAmount(text: string, decimals: number, rounding: Rounding = 'exact'): Amount {
  checkDecimals(decimals);
  const m = DECIMAL_RE.exec(text);
  if (!m) {
    throw new AppError('CORE__INVALID_AMOUNT', {
      shortMessage: `Invalid amount "${text.slice(0, 80)}": expected a plain decimal such as 12.5`,
      context: { input: text.slice(0, 200), reason: 'not a plain decimal string' },
    });
  }
  const negative = m[1] === '-';
  const int = m[2] as string;
  const frac = m[3] ?? '';
  let raw: bigint;
  if (frac.length <= decimals) {
    raw = BigInt(int + frac.padEnd(decimals, '0'));
  } else {
    const all = BigInt(int + frac);
    const scale = pow10(frac.length - decimals);
    if (rounding === 'exact' && all % scale !== 0n) {
      throw new AppError('CORE__AMOUNT_PRECISION_LOSS', {
        shortMessage: `Amount "${text.slice(0, 80)}" has more than ${decimals} fractional digits`,
        context: { input: text.slice(0, 200), decimals },
      });
    }
    raw = divRound(negative ? -all : all, scale, rounding === 'exact' ? 'trunc' : rounding);
    return { raw, decimals };
  }
  return { raw: negative ? -raw : raw, decimals };
}

/** Exact decimal string of an amount, trailing zeros trimmed ("1.5", "-0.000001", "0"). */
export function formatAmount(a: Amount): string {
  const neg = a.raw < 0n;
  const abs = (neg ? -a.raw : a.raw).toString().padStart(a.decimals + 1, '0');
  const int = abs.slice(0, abs.length - a.decimals);
  const frac = abs.slice(abs.length - a.decimals).replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return neg && body !== '0' ? `-${body}` : body;
}

function sameDecimals(a: Amount, b: Amount): void {
  if (a.decimals !== b.decimals) {
    throw new AppError('CORE__AMOUNT_DECIMALS_MISMATCH', {
      context: { left: a.decimals, right: b.decimals },
    });
  }
}

export function addAmounts(a: Amount, b: Amount): Amount {
  sameDecimals(a, b);
  return { raw: a.raw + b.raw, decimals: a.decimals };
}

export function subAmounts(a: Amount, b: Amount): Amount {
  sameDecimals(a, b);
  return { raw: a.raw - b.raw, decimals: a.decimals };
}

/** -1, 0 or 1; compares across decimals exactly. */
export function compareAmounts(a: Amount, b: Amount): -1 | 0 | 1 {
  const d = Math.max(a.decimals, b.decimals);
  const x = a.raw * pow10(d - a.decimals);
  const y = b.raw * pow10(d - b.decimals);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Re-expresses `a` with `decimals`; going to fewer decimals rounds with `rounding`. */
export function rescaleAmount(a: Amount, decimals: number, rounding: Rounding): Amount {
  checkDecimals(decimals);
  if (decimals >= a.decimals) return { raw: a.raw * pow10(decimals - a.decimals), decimals };
  return { raw: divRound(a.raw, pow10(a.decimals - decimals), rounding, formatAmount(a)), decimals };
}

/** `a * num / den`, rounded once with `rounding` (e.g. applying a rational price or haircut). */
export function mulDivAmount(a: Amount, num: bigint, den: bigint, rounding: Rounding): Amount {
  return {
    raw: divRound(a.raw * num, den, rounding, `${formatAmount(a)}*${num}/${den}`),
    decimals: a.decimals,
  };
}

/** The nearest double to the amount's value; for handing amounts to the risk engine (floats inside only). */
export function amountToNumber(a: Amount): number {
  return Number(formatAmount(a));
}

/**
 * Converts a finite double to raw units, rounding the double's exact binary value (not its shortest
 * decimal form) with `rounding`. For taking risk-engine results back to the integer world.
 */
export function amountFromNumber(x: number, decimals: number, rounding: Rounding): Amount {
  checkDecimals(decimals);
  if (!Number.isFinite(x)) {
    throw new AppError('CORE__INVALID_AMOUNT', {
      shortMessage: `Cannot convert ${x} to an amount`,
      context: { input: String(x), reason: 'not finite' },
    });
  }
  if (x === 0) return { raw: 0n, decimals };
  // x = mantissa * 2^exp exactly, with an integer mantissa of at most 53 bits.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const mantissa = sign * (expBits === 0 ? frac : frac | (1n << 52n));
  const exp = (expBits === 0 ? 1 : expBits) - 1075;
  const scaled = mantissa * pow10(decimals);
  const raw = exp >= 0 ? scaled << BigInt(exp) : divRound(scaled, 1n << BigInt(-exp), rounding, String(x));
  return { raw, decimals };
}
