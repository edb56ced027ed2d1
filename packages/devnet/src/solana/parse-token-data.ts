import { base58Encode } from '@xmargin/core';
import {
  MINT_SIZE,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_ACCOUNT_SIZE,
  TOKEN_PROGRAM_ID,
} from './spl-instructions.js';

/** `jsonParsed` account data, as agave's account decoder renders SPL token accounts and mints. */
export interface ParsedTokenData {
  readonly program: 'spl-token' | 'spl-token-2022';
  readonly parsed: { readonly type: 'account' | 'mint'; readonly info: Record<string, unknown> };
  readonly space: number;
}

export function uiAmount(amount: bigint, decimals: number) {
  let uiAmountString = amount.toString();
  if (decimals > 0) {
    const s = uiAmountString.padStart(decimals + 1, '0');
    const frac = s.slice(-decimals).replace(/0+$/, '');
    uiAmountString = frac ? `${s.slice(0, -decimals)}.${frac}` : s.slice(0, -decimals);
  }
  return { amount: amount.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}

const optionKey = (data: Buffer, offset: number): string | null =>
  data.readUInt32LE(offset) === 1 ? base58Encode(data.subarray(offset + 4, offset + 36)) : null;

/**
 * Parses a token account or mint of either token program; undefined for anything else (the caller
 * then falls back to base64, as agave does). `mintDecimals` looks up the decimals of an account's mint.
 */
export function parseTokenData(
  programId: string,
  bytes: Uint8Array,
  mintDecimals: (mint: string) => number,
): ParsedTokenData | undefined {
  const program =
    programId === TOKEN_PROGRAM_ID.toBase58()
      ? 'spl-token'
      : programId === TOKEN_2022_PROGRAM_ID.toBase58()
        ? 'spl-token-2022'
        : undefined;
  if (program === undefined) return undefined;
  const data = Buffer.from(bytes);
  const accountType = data.length > TOKEN_ACCOUNT_SIZE ? data[TOKEN_ACCOUNT_SIZE] : undefined;
  const isAccount = data.length === TOKEN_ACCOUNT_SIZE || (program === 'spl-token-2022' && accountType === 2);
  const isMint = data.length === MINT_SIZE || (program === 'spl-token-2022' && accountType === 1);
  if (isAccount) {
    const state = data[108];
    if (state !== 1 && state !== 2) return undefined;
    const mint = base58Encode(data.subarray(0, 32));
    return {
      program,
      space: data.length,
      parsed: {
        type: 'account',
        info: {
          isNative: data.readUInt32LE(109) === 1,
          mint,
          owner: base58Encode(data.subarray(32, 64)),
          state: state === 2 ? 'frozen' : 'initialized',
          tokenAmount: uiAmount(data.readBigUInt64LE(64), mintDecimals(mint)),
        },
      },
    };
  }
  if (isMint && data[45] === 1) {
    return {
      program,
      space: data.length,
      parsed: {
        type: 'mint',
        info: {
          decimals: data[44],
          freezeAuthority: optionKey(data, 46),
          isInitialized: true,
          mintAuthority: optionKey(data, 0),
          supply: data.readBigUInt64LE(36).toString(),
        },
      },
    };
  }
  return undefined;
}
