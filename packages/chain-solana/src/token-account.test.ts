import { Keypair, PublicKey } from '@solana/web3.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeTokenAccount,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_ACCOUNT_LAYOUT,
  TOKEN_PROGRAM_ID,
} from './token-account.js';

const L = TOKEN_ACCOUNT_LAYOUT;

function tokenAccount(
  mint: Uint8Array,
  owner: Uint8Array,
  amount: bigint,
  state = 1,
  extra: number[] = [],
): Uint8Array {
  const data = Buffer.alloc(L.size + extra.length);
  data.set(mint, L.mint.offset);
  data.set(owner, L.owner.offset);
  data.writeBigUInt64LE(amount, L.amount.offset);
  data[L.state.offset] = state;
  data.set(extra, L.size);
  return data;
}

const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

describe('decodeTokenAccount', () => {
  it('reads mint, owner and amount of any initialized account of either program', () => {
    fc.assert(
      fc.property(
        key,
        key,
        u64,
        fc.boolean(),
        fc.constantFrom(1, 2),
        (mint, owner, amount, is2022, state) => {
          const program = is2022 ? TOKEN_2022_PROGRAM_ID : TOKEN_PROGRAM_ID;
          const res = decodeTokenAccount(program, tokenAccount(mint, owner, amount, state));
          expect(res).toEqual({
            ok: true,
            account: {
              program: is2022 ? 'token-2022' : 'token',
              mint: new PublicKey(mint).toBase58(),
              owner: new PublicKey(owner).toBase58(),
              amount,
              frozen: state === 2,
            },
          });
        },
      ),
    );
  });

  it('accepts Token-2022 accounts with extensions and rejects Token-2022 mints and long Token accounts', () => {
    const mint = Keypair.generate().publicKey.toBytes();
    const owner = Keypair.generate().publicKey.toBytes();
    // account type 2 (account) + ImmutableOwner TLV (type 7, length 0)
    const withExt = tokenAccount(mint, owner, 5n, 1, [2, 7, 0, 0, 0]);
    expect(decodeTokenAccount(TOKEN_2022_PROGRAM_ID, withExt)).toMatchObject({
      ok: true,
      account: { amount: 5n },
    });
    expect(decodeTokenAccount(TOKEN_PROGRAM_ID, withExt)).toMatchObject({
      ok: false,
      reason: 'not-a-token-account',
    });
    const mintWithExt = tokenAccount(mint, owner, 5n, 1, [1, 0, 0, 0, 0]);
    expect(decodeTokenAccount(TOKEN_2022_PROGRAM_ID, mintWithExt)).toMatchObject({
      ok: false,
      reason: 'not-a-token-account',
    });
  });

  it('rejects uninitialized, short and foreign-program accounts', () => {
    const k = Keypair.generate().publicKey.toBytes();
    expect(decodeTokenAccount(TOKEN_PROGRAM_ID, tokenAccount(k, k, 1n, 0))).toMatchObject({
      ok: false,
      detail: 'state 0',
    });
    expect(decodeTokenAccount(TOKEN_PROGRAM_ID, new Uint8Array(82))).toMatchObject({
      ok: false,
      detail: '82 bytes',
    });
    const other = Keypair.generate().publicKey;
    expect(decodeTokenAccount(other, tokenAccount(k, k, 1n))).toEqual({
      ok: false,
      reason: 'unsupported-program',
      program: other.toBase58(),
    });
  });
});
