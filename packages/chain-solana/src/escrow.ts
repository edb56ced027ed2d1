import { createHash } from 'node:crypto';
import {
  Connection,
  type FetchFn,
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
} from '@solana/web3.js';
import { AppError } from '@xmargin/errors';
import { classifyRpcError } from './classify-rpc-error.js';
import { decodeTokenAccount, TOKEN_ACCOUNT_LAYOUT, tokenProgramName } from './token-account.js';

// Solana escrows (README "Collateral trust model"). No program of our own: each escrow is a plain SPL
// token account whose owner is the engine's escrow authority, so only the engine can move its tokens
// (SPL Token's own TransferChecked, signed by the authority). One per (xmargin account, mint), at an
// address anyone can recompute: SystemProgram.createAccountWithSeed from the authority with a seed
// derived from the account id and the mint.

export const ASSOCIATED_TOKEN_PROGRAM_ID = new PublicKey('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');

const AUTHORITY_DOMAIN = 'xmargin:solana-escrow-authority:v1';

/**
 * The escrow authority: an ed25519 key derived from the engine's settlement secret (SHA-256 of a domain
 * tag and the secret), so one configured key controls both the EVM vault authorisations and the Solana
 * escrows.
 */
export function escrowAuthority(secret: Uint8Array): Keypair {
  const seed = createHash('sha256').update(AUTHORITY_DOMAIN).update(secret).digest();
  return Keypair.fromSeed(new Uint8Array(seed));
}

/** The createAccountWithSeed seed of an escrow: 32 hex characters of SHA-256(account | mint). */
export function escrowSeed(account: string, mint: string): string {
  return createHash('sha256').update(`${account}|${mint}`).digest('hex').slice(0, 32);
}

/** The escrow token account address of (account, mint) under `authority` for a token program. */
export function escrowAddress(authority: PublicKey, account: string, mint: string, programId: PublicKey) {
  return PublicKey.createWithSeed(authority, escrowSeed(account, mint), programId);
}

/** The associated token account of a wallet for a mint (the default withdrawal destination). */
export function associatedTokenAddress(owner: PublicKey, mint: PublicKey, programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(
    [owner.toBuffer(), programId.toBuffer(), mint.toBuffer()],
    ASSOCIATED_TOKEN_PROGRAM_ID,
  )[0];
}

const InitializeAccount3 = 18;
const TransferChecked = 12;

/** SPL Token InitializeAccount3: initialises `account` for `mint` with `owner` (no signer needed). */
export function initializeAccount3(
  programId: PublicKey,
  account: PublicKey,
  mint: PublicKey,
  owner: PublicKey,
): TransactionInstruction {
  return new TransactionInstruction({
    programId,
    keys: [
      { pubkey: account, isSigner: false, isWritable: true },
      { pubkey: mint, isSigner: false, isWritable: false },
    ],
    data: Buffer.concat([Buffer.from([InitializeAccount3]), owner.toBuffer()]),
  });
}

/** SPL Token TransferChecked of `amount` raw units, signed by the source's owner. */
export function transferChecked(
  programId: PublicKey,
  source: PublicKey,
  mint: PublicKey,
  destination: PublicKey,
  owner: PublicKey,
  amount: bigint,
  decimals: number,
): TransactionInstruction {
  if (amount < 0n || amount > 0xffff_ffff_ffff_ffffn)
    throw new RangeError(`amount out of u64 range: ${amount}`);
  const data = Buffer.alloc(10);
  data[0] = TransferChecked;
  data.writeBigUInt64LE(amount, 1);
  data[9] = decimals;
  return new TransactionInstruction({
    programId,
    keys: [
      { pubkey: source, isSigner: false, isWritable: true },
      { pubkey: mint, isSigner: false, isWritable: false },
      { pubkey: destination, isSigner: false, isWritable: true },
      { pubkey: owner, isSigner: true, isWritable: false },
    ],
    data,
  });
}

export interface SolanaEscrowClientConfig {
  readonly chain: string;
  readonly rpcUrl: string;
  /** Owns every escrow and pays for creating them and for transfers (fund it with SOL). */
  readonly authority: Keypair;
  /** Deadline per RPC request in milliseconds (default 10 000). */
  readonly requestTimeoutMs?: number;
  /** How long a sent transaction may take to be confirmed (default 60 000 ms). */
  readonly confirmTimeoutMs?: number;
}

export interface OpenedEscrow {
  /** Escrow token account, base58. */
  readonly address: string;
  readonly authority: string;
  /** False when the account already existed (an escrow is opened once). */
  readonly created: boolean;
}

export interface SentTransfer {
  readonly signature: string;
  /** Slot the transfer executed in: balance reads at or after it include the debit. */
  readonly slot: bigint;
}

export interface SolanaEscrowClient {
  readonly authority: PublicKey;
  /** The associated token account of `owner` for `mint` (under the mint's token program), base58. */
  walletTokenAccount(owner: string, mint: string): Promise<string>;
  /** Creates the escrow of (account, mint) if it does not exist yet; idempotent. */
  openEscrow(account: string, mint: string): Promise<OpenedEscrow>;
  /**
   * Sends TransferChecked of `amount` from the escrow of (account, mint) to `destination` (a token
   * account of the mint) and waits until it is confirmed. A transaction the chain refuses throws
   * SETTLEMENT__TRANSFER_FAILED with the chain's reason.
   */
  transfer(p: {
    account: string;
    mint: string;
    destination: string;
    amount: bigint;
    decimals: number;
  }): Promise<SentTransfer>;
}

function failed(chain: string, reason: string, cause?: unknown): AppError {
  return new AppError('SETTLEMENT__TRANSFER_FAILED', {
    context: { chain, reason },
    shortMessage: `Escrow transaction failed on ${chain}: ${reason}`,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Creates escrows and moves their tokens with SPL Token's own instructions, signed by the authority. */
export function createSolanaEscrowClient(config: SolanaEscrowClientConfig): SolanaEscrowClient {
  const { chain, rpcUrl, authority } = config;
  const requestTimeoutMs = config.requestTimeoutMs ?? 10_000;
  const confirmTimeoutMs = config.confirmTimeoutMs ?? 60_000;
  const fetchWithDeadline: typeof fetch = (input, init) =>
    fetch(input, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
  const connection = new Connection(rpcUrl, {
    commitment: 'confirmed',
    fetch: fetchWithDeadline as unknown as FetchFn,
    disableRetryOnRateLimit: true,
  });
  const call = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw classifyRpcError(err, { chain, url: rpcUrl, method });
    }
  };

  async function programOf(mint: PublicKey): Promise<PublicKey> {
    const info = await call('getAccountInfo', () => connection.getAccountInfo(mint));
    if (!info)
      throw new AppError('CHAIN__ACCOUNT_NOT_FOUND', { context: { chain, address: mint.toBase58() } });
    if (tokenProgramName(info.owner) === undefined) {
      throw new AppError('CHAIN__UNSUPPORTED_TOKEN_PROGRAM', {
        context: { chain, address: mint.toBase58(), program: info.owner.toBase58() },
      });
    }
    return info.owner;
  }

  async function send(instructions: TransactionInstruction[]): Promise<SentTransfer> {
    const { blockhash } = await call('getLatestBlockhash', () => connection.getLatestBlockhash('confirmed'));
    const tx = new Transaction({ feePayer: authority.publicKey, recentBlockhash: blockhash }).add(
      ...instructions,
    );
    tx.sign(authority);
    let signature: string;
    try {
      signature = await connection.sendRawTransaction(tx.serialize(), { preflightCommitment: 'confirmed' });
    } catch (err) {
      // A preflight failure is the chain refusing the transaction: nothing was sent.
      const message = err instanceof Error ? err.message : String(err);
      if (/simulation failed|custom program error|insufficient/i.test(message))
        throw failed(chain, message, err);
      throw classifyRpcError(err, { chain, url: rpcUrl, method: 'sendTransaction' });
    }
    const deadline = Date.now() + confirmTimeoutMs;
    for (;;) {
      const { value } = await call('getSignatureStatuses', () =>
        connection.getSignatureStatuses([signature]),
      );
      const status = value[0];
      if (status?.err) throw failed(chain, JSON.stringify(status.err));
      if (status && (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized'))
        return { signature, slot: BigInt(status.slot) };
      if (Date.now() > deadline) throw failed(chain, `transaction ${signature} was not confirmed in time`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    authority: authority.publicKey,
    async walletTokenAccount(owner, mintAddress) {
      const mint = new PublicKey(mintAddress);
      return associatedTokenAddress(new PublicKey(owner), mint, await programOf(mint)).toBase58();
    },
    async openEscrow(account, mintAddress) {
      const mint = new PublicKey(mintAddress);
      const programId = await programOf(mint);
      const address = await escrowAddress(authority.publicKey, account, mintAddress, programId);
      const existing = await call('getAccountInfo', () => connection.getAccountInfo(address));
      const out = { address: address.toBase58(), authority: authority.publicKey.toBase58() };
      if (existing) {
        const decoded = decodeTokenAccount(existing.owner, existing.data);
        if (!decoded.ok || decoded.account.owner !== out.authority || decoded.account.mint !== mintAddress) {
          throw new AppError('CHAIN__INVALID_TOKEN_ACCOUNT', {
            context: { chain, address: out.address, reason: 'not an escrow of this authority and mint' },
          });
        }
        return { ...out, created: false };
      }
      const space = TOKEN_ACCOUNT_LAYOUT.size;
      const lamports = await call('getMinimumBalanceForRentExemption', () =>
        connection.getMinimumBalanceForRentExemption(space),
      );
      await send([
        SystemProgram.createAccountWithSeed({
          fromPubkey: authority.publicKey,
          newAccountPubkey: address,
          basePubkey: authority.publicKey,
          seed: escrowSeed(account, mintAddress),
          lamports,
          space,
          programId,
        }),
        initializeAccount3(programId, address, mint, authority.publicKey),
      ]);
      return { ...out, created: true };
    },
    async transfer({ account, mint: mintAddress, destination, amount, decimals }) {
      const mint = new PublicKey(mintAddress);
      const programId = await programOf(mint);
      const source = await escrowAddress(authority.publicKey, account, mintAddress, programId);
      return send([
        transferChecked(
          programId,
          source,
          mint,
          new PublicKey(destination),
          authority.publicKey,
          amount,
          decimals,
        ),
      ]);
    },
  };
}
