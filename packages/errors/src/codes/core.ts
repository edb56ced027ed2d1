import { code } from '../spec.js';

/** Identifiers, amounts, chain registry: value-level validation shared by every package. */
export const coreCodes = {
  CORE__INVALID_AMOUNT: code<{ input: string; reason: string }>(
    400,
    'Amount is not a valid decimal or raw value',
  ),
  CORE__AMOUNT_DECIMALS_MISMATCH: code<{ left: number; right: number }>(
    400,
    'Amounts with different decimals cannot be combined',
  ),
  CORE__AMOUNT_PRECISION_LOSS: code<{ input: string; decimals: number }>(
    400,
    'Decimal string has more fractional digits than the asset allows',
  ),
  CORE__DIVISION_BY_ZERO: code(400, 'Division by zero'),
  CORE__INVALID_ID: code<{ kind: string; input: string; reason: string }>(400, 'Identifier is malformed'),
  CORE__UNKNOWN_CHAIN: code<{ chain: string | number }>(400, 'Chain is not in the registry'),
  CORE__INVARIANT: code<{ what: string }>(500, 'Internal invariant violated'),
} as const;
