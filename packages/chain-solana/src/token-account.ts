import { PublicKey } from '@solana/web3.js';

export const TOKEN_PROGRAM_ID = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
export const TOKEN_2022_PROGRAM_ID = new PublicKey('TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb');

export type TokenProgramName = 'token' | 'token-2022';

/**
 * The SPL token account layout (identical in Token and Token-2022 for the first 165 bytes), declared
 * once as data; the decoder reads it, nothing else hard-codes offsets.
 */
export const TOKEN_ACCOUNT_LAYOUT = {
  mint: { offset: 0, size: 32 },
  owner: { offset: 32, size: 32 },
  amount: { offset: 64, size: 8 },
  /** 0 = uninitialized, 1 = initialized, 2 = frozen. */
  state: { offset: 108, size: 1 },
  /** Base account size; Token-2022 follows it with an account-type byte and TLV extensions. */
  size: 165,
  /** Token-2022's account-type byte: 1 = mint, 2 = account. */
  accountType: { offset: 165, size: 1 },
} as const;

const ACCOUNT_TYPE_ACCOUNT = 2;

export interface DecodedTokenAccount {
  readonly program: TokenProgramName;
  readonly mint: string;
  readonly owner: string;
  readonly amount: bigint;
  readonly frozen: boolean;
}

export type DecodeResult =
  | { readonly ok: true; readonly account: DecodedTokenAccount }
  | { readonly ok: false; readonly reason: 'unsupported-program'; readonly program: string }
  | { readonly ok: false; readonly reason: 'not-a-token-account'; readonly detail: string };

export function tokenProgramName(programId: PublicKey): TokenProgramName | undefined {
  if (programId.equals(TOKEN_PROGRAM_ID)) return 'token';
  if (programId.equals(TOKEN_2022_PROGRAM_ID)) return 'token-2022';
  return undefined;
}

/**
 * Decodes a token account owned by SPL Token or Token-2022. Token accounts are exactly 165 bytes;
 * Token-2022 accounts may be longer (extensions), in which case byte 165 must say "account" (a
 * Token-2022 mint with extensions is also longer than 165 bytes).
 */
export function decodeTokenAccount(programId: PublicKey, data: Uint8Array): DecodeResult {
  const program = tokenProgramName(programId);
  if (program === undefined)
    return { ok: false, reason: 'unsupported-program', program: programId.toBase58() };
  const L = TOKEN_ACCOUNT_LAYOUT;
  if (data.length < L.size)
    return { ok: false, reason: 'not-a-token-account', detail: `${data.length} bytes` };
  if (data.length > L.size) {
    if (program === 'token')
      return { ok: false, reason: 'not-a-token-account', detail: `${data.length} bytes` };
    const accountType = data[L.accountType.offset];
    if (accountType !== ACCOUNT_TYPE_ACCOUNT)
      return { ok: false, reason: 'not-a-token-account', detail: `Token-2022 account type ${accountType}` };
  }
  const state = data[L.state.offset];
  if (state !== 1 && state !== 2)
    return { ok: false, reason: 'not-a-token-account', detail: `state ${state}` };
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.length);
  return {
    ok: true,
    account: {
      program,
      mint: new PublicKey(bytes.subarray(L.mint.offset, L.mint.offset + L.mint.size)).toBase58(),
      owner: new PublicKey(bytes.subarray(L.owner.offset, L.owner.offset + L.owner.size)).toBase58(),
      amount: bytes.readBigUInt64LE(L.amount.offset),
      frozen: state === 2,
    },
  };
}
