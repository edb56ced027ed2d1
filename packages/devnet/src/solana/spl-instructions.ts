import { PublicKey, SystemProgram, TransactionInstruction } from '@solana/web3.js';

/**
 * SPL Token / Token-2022 instruction encoders. The devnet builds them itself rather than importing
 * @solana/spl-token, whose bigint-buffer dependency writes a warning to the console on import
 * (and any console output fails a test here). Both programs share these instruction layouts.
 */

export const TOKEN_PROGRAM_ID = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
export const TOKEN_2022_PROGRAM_ID = new PublicKey('TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb');
export const ASSOCIATED_TOKEN_PROGRAM_ID = new PublicKey('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');

/** Base sizes of the two account kinds (Token-2022 appends an account-type byte and TLV extensions). */
export const MINT_SIZE = 82;
export const TOKEN_ACCOUNT_SIZE = 165;
/** Token account + account-type byte + ImmutableOwner TLV header (type u16, length u16, no data). */
export const TOKEN_2022_IMMUTABLE_OWNER_ACCOUNT_SIZE = TOKEN_ACCOUNT_SIZE + 1 + 4;

/** Instruction tags of the SPL Token instruction enum. */
const Tag = {
  TransferChecked: 12,
  MintToChecked: 14,
  BurnChecked: 15,
  InitializeAccount3: 18,
  InitializeMint2: 20,
  InitializeImmutableOwner: 22,
} as const;

function u64le(value: bigint): Buffer {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new RangeError(`amount out of u64 range: ${value}`);
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(value);
  return out;
}

const w = (pubkey: PublicKey) => ({ pubkey, isSigner: false, isWritable: true });
const r = (pubkey: PublicKey) => ({ pubkey, isSigner: false, isWritable: false });
const s = (pubkey: PublicKey) => ({ pubkey, isSigner: true, isWritable: false });

export function initializeMint2(
  programId: PublicKey,
  mint: PublicKey,
  decimals: number,
  mintAuthority: PublicKey,
): TransactionInstruction {
  // COption<Pubkey> freeze authority: a single 0 byte means None.
  const data = Buffer.concat([
    Buffer.from([Tag.InitializeMint2, decimals]),
    mintAuthority.toBuffer(),
    Buffer.from([0]),
  ]);
  return new TransactionInstruction({ programId, keys: [w(mint)], data });
}

export function initializeAccount3(
  programId: PublicKey,
  account: PublicKey,
  mint: PublicKey,
  owner: PublicKey,
): TransactionInstruction {
  const data = Buffer.concat([Buffer.from([Tag.InitializeAccount3]), owner.toBuffer()]);
  return new TransactionInstruction({ programId, keys: [w(account), r(mint)], data });
}

export function initializeImmutableOwner(account: PublicKey): TransactionInstruction {
  return new TransactionInstruction({
    programId: TOKEN_2022_PROGRAM_ID,
    keys: [w(account)],
    data: Buffer.from([Tag.InitializeImmutableOwner]),
  });
}

export function mintToChecked(
  programId: PublicKey,
  mint: PublicKey,
  destination: PublicKey,
  authority: PublicKey,
  amount: bigint,
  decimals: number,
): TransactionInstruction {
  const data = Buffer.concat([Buffer.from([Tag.MintToChecked]), u64le(amount), Buffer.from([decimals])]);
  return new TransactionInstruction({ programId, keys: [w(mint), w(destination), s(authority)], data });
}

export function transferChecked(
  programId: PublicKey,
  source: PublicKey,
  mint: PublicKey,
  destination: PublicKey,
  owner: PublicKey,
  amount: bigint,
  decimals: number,
): TransactionInstruction {
  const data = Buffer.concat([Buffer.from([Tag.TransferChecked]), u64le(amount), Buffer.from([decimals])]);
  return new TransactionInstruction({
    programId,
    keys: [w(source), r(mint), w(destination), s(owner)],
    data,
  });
}

export function burnChecked(
  programId: PublicKey,
  account: PublicKey,
  mint: PublicKey,
  owner: PublicKey,
  amount: bigint,
  decimals: number,
): TransactionInstruction {
  const data = Buffer.concat([Buffer.from([Tag.BurnChecked]), u64le(amount), Buffer.from([decimals])]);
  return new TransactionInstruction({ programId, keys: [w(account), w(mint), s(owner)], data });
}

export function associatedTokenAddress(owner: PublicKey, mint: PublicKey, programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(
    [owner.toBuffer(), programId.toBuffer(), mint.toBuffer()],
    ASSOCIATED_TOKEN_PROGRAM_ID,
  )[0];
}

/** The associated token program's `Create` (empty data); Token-2022 ATAs get ImmutableOwner from it. */
export function createAssociatedTokenAccount(
  payer: PublicKey,
  owner: PublicKey,
  mint: PublicKey,
  programId: PublicKey,
): TransactionInstruction {
  const ata = associatedTokenAddress(owner, mint, programId);
  return new TransactionInstruction({
    programId: ASSOCIATED_TOKEN_PROGRAM_ID,
    keys: [
      { pubkey: payer, isSigner: true, isWritable: true },
      w(ata),
      r(owner),
      r(mint),
      r(SystemProgram.programId),
      r(programId),
    ],
    data: Buffer.alloc(0),
  });
}
