import { AppError } from '@xmargin/errors';
import type { Brand } from './brand.js';

/** Account identifier: `acc_` followed by 1-64 of [a-z0-9_-]. */
export type AccountId = Brand<string, 'AccountId'>;
/** Wormhole chain id (u16). */
export type WormholeChainId = Brand<number, 'WormholeChainId'>;
/** EVM address, lower-case 0x-prefixed 20 bytes (compare with ===). */
export type EvmAddress = Brand<`0x${string}`, 'EvmAddress'>;
/** Solana address, base58 of 32 bytes. */
export type SolanaAddress = Brand<string, 'SolanaAddress'>;
/** Wormhole universal address: lower-case 0x-prefixed 32 bytes (EVM addresses left-zero-padded). */
export type UniversalAddress = Brand<`0x${string}`, 'UniversalAddress'>;

function invalid(kind: string, input: unknown, reason: string): AppError<'CORE__INVALID_ID'> {
  return new AppError('CORE__INVALID_ID', {
    shortMessage: `Invalid ${kind}: ${reason}`,
    context: { kind, input: String(input).slice(0, 200), reason },
  });
}

const ACCOUNT_RE = /^acc_[a-z0-9_-]{1,64}$/;

export function accountId(input: string): AccountId {
  if (!ACCOUNT_RE.test(input))
    throw invalid('account id', input, 'expected acc_ followed by 1-64 of [a-z0-9_-]');
  return input as AccountId;
}

export function wormholeChainId(input: number): WormholeChainId {
  if (!Number.isInteger(input) || input < 0 || input > 0xffff)
    throw invalid('wormhole chain id', input, 'expected u16');
  return input as WormholeChainId;
}

export function evmAddress(input: string): EvmAddress {
  if (!/^0x[0-9a-fA-F]{40}$/.test(input))
    throw invalid('EVM address', input, 'expected 0x and 40 hex digits');
  return input.toLowerCase() as EvmAddress;
}

export function universalAddress(input: string): UniversalAddress {
  if (/^0x[0-9a-fA-F]{40}$/.test(input))
    return `0x${'0'.repeat(24)}${input.slice(2).toLowerCase()}` as UniversalAddress;
  if (!/^0x[0-9a-fA-F]{64}$/.test(input)) {
    throw invalid('universal address', input, 'expected 0x and 64 hex digits (or an EVM address)');
  }
  return input.toLowerCase() as UniversalAddress;
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const B58_INDEX = new Map([...B58].map((c, i) => [c, BigInt(i)]));

/** Decodes base58 (Bitcoin alphabet) to bytes. */
export function base58Decode(input: string): Uint8Array {
  let n = 0n;
  for (const ch of input) {
    const v = B58_INDEX.get(ch);
    if (v === undefined) throw invalid('base58 string', input, `character '${ch}' is not base58`);
    n = n * 58n + v;
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.push(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const ch of input) {
    if (ch !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

/** Encodes bytes as base58 (Bitcoin alphabet). */
export function base58Encode(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

export function solanaAddress(input: string): SolanaAddress {
  if (input.length < 32 || input.length > 44)
    throw invalid('Solana address', input, 'expected 32-44 base58 characters');
  const bytes = base58Decode(input);
  if (bytes.length !== 32)
    throw invalid('Solana address', input, `decodes to ${bytes.length} bytes, expected 32`);
  return input as SolanaAddress;
}

/** The universal (32-byte) form of a Solana address. */
export function solanaToUniversal(address: SolanaAddress): UniversalAddress {
  const bytes = base58Decode(address);
  return `0x${Buffer.from(bytes).toString('hex')}` as UniversalAddress;
}
