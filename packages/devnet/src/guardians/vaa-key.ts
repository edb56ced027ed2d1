import { AppError } from '@xmargin/errors';

/**
 * The public guardian API names an emitter by 64 lower-case hex digits without 0x
 * (`/v1/signed_vaa/2/000000000000000000000000<addr>/0`). Accepts that form, an EVM address, or either
 * with 0x, in any case.
 */
export function normalizeEmitter(emitter: string): string {
  const hex = emitter.startsWith('0x') || emitter.startsWith('0X') ? emitter.slice(2) : emitter;
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return hex.toLowerCase();
  if (/^[0-9a-fA-F]{40}$/.test(hex)) return `${'0'.repeat(24)}${hex.toLowerCase()}`;
  throw new AppError('CORE__INVALID_ID', {
    shortMessage: 'Invalid emitter address: expected 64 hex digits (or a 20-byte EVM address)',
    context: { kind: 'emitter address', input: emitter.slice(0, 200), reason: 'expected 64 hex digits' },
  });
}

/** Store key of one message: `chain/emitter/sequence`, as in the public API path. */
export function vaaKey(chain: number, emitter: string, sequence: bigint | number): string {
  return `${chain}/${normalizeEmitter(emitter)}/${BigInt(sequence).toString(10)}`;
}
