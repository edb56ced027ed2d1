import { address as toAddress } from '@solana/kit';
import {
  type Commitment,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  Transaction,
  type TransactionInstruction,
} from '@solana/web3.js';
import { AppError } from '@xmargin/errors';
import { DevnetChain } from './devnet-chain.js';
import { startRpcServer } from './rpc-server.js';
import {
  associatedTokenAddress,
  burnChecked,
  createAssociatedTokenAccount,
  initializeAccount3,
  initializeImmutableOwner,
  initializeMint2,
  MINT_SIZE,
  mintToChecked,
  TOKEN_2022_IMMUTABLE_OWNER_ACCOUNT_SIZE,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_ACCOUNT_SIZE,
  TOKEN_PROGRAM_ID,
  transferChecked,
} from './spl-instructions.js';

export type TokenProgram = 'token' | 'token-2022';

export interface StartSolanaDevnetOptions {
  /** First slot (default 1). */
  readonly startSlot?: bigint;
  /** Lamports given to the payer (default 1 000 000 SOL). */
  readonly payerLamports?: bigint;
  /** Also produce an empty slot every `slotIntervalMs` (default: slots advance only with transactions and `advanceSlots`). */
  readonly slotIntervalMs?: number;
  /** Block time source, unix seconds (default the wall clock). */
  readonly now?: () => number;
}

/** A transaction the devnet executed: its signature and the (already final) slot it landed in. */
export interface SolanaTxResult {
  readonly signature: string;
  readonly slot: bigint;
}

export interface CreateMintOptions {
  readonly program?: TokenProgram;
  /** Mint authority (default the payer). */
  readonly authority?: Keypair;
}

export interface CreateTokenAccountOptions {
  /** Use the owner's associated token account instead of a fresh keypair account. */
  readonly associated?: boolean;
}

export interface SolanaDevnet {
  readonly rpcUrl: string;
  /** WebSocket endpoint (rpcUrl's port + 1, where web3.js looks by default). */
  readonly wsUrl: string;
  /** Funded fee payer; mint authority of mints created without an explicit authority. */
  readonly payer: Keypair;
  /** The in-process chain (LiteSVM plus slots), for tests that need to look behind the RPC. */
  readonly chain: DevnetChain;
  /** A web3.js Connection to this devnet. */
  connection(commitment?: Commitment): Connection;
  /** Latest (final) slot. */
  slot(): bigint;
  advanceSlots(count: number): bigint;
  airdrop(to: PublicKey, lamports: bigint): Promise<SolanaTxResult>;
  /** Signs with the payer (fee payer) and `signers`, executes in a new slot; throws CHAIN__RPC_ERROR when it fails. */
  sendTransaction(
    instructions: readonly TransactionInstruction[],
    signers?: readonly Keypair[],
  ): Promise<SolanaTxResult>;
  createMint(decimals: number, options?: CreateMintOptions): Promise<PublicKey>;
  createTokenAccount(
    owner: PublicKey,
    mint: PublicKey,
    options?: CreateTokenAccountOptions,
  ): Promise<PublicKey>;
  /** Mints `amount` raw units (deposit-like). */
  mintTo(
    mint: PublicKey,
    destination: PublicKey,
    amount: bigint,
    authority?: Keypair,
  ): Promise<SolanaTxResult>;
  transfer(
    source: PublicKey,
    destination: PublicKey,
    owner: Keypair,
    amount: bigint,
  ): Promise<SolanaTxResult>;
  /** Burns `amount` raw units from `account` (withdraw-like). */
  burn(account: PublicKey, owner: Keypair, amount: bigint): Promise<SolanaTxResult>;
  /** Raw token amount of a token account (read from the chain directly). */
  tokenBalance(account: PublicKey): bigint;
  stop(): Promise<void>;
}

const CHAIN = 'solana-devnet';

/**
 * Starts a Solana devnet: LiteSVM (with the real SPL Token, Token-2022 and associated token account
 * programs) behind a JSON-RPC HTTP + WebSocket server on loopback. Every transaction lands in its own
 * slot and is final at once; helpers submit real SPL Token instructions signed by real keys.
 */
export async function startSolanaDevnet(options: StartSolanaDevnetOptions = {}): Promise<SolanaDevnet> {
  const chain = new DevnetChain({
    ...(options.startSlot === undefined ? {} : { startSlot: options.startSlot }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const payer = Keypair.generate();
  const funded = chain.airdrop(
    toAddress(payer.publicKey.toBase58()),
    options.payerLamports ?? 1_000_000n * BigInt(LAMPORTS_PER_SOL),
  );
  if (!funded.ok)
    throw new AppError('CHAIN__RPC_ERROR', { context: { chain: CHAIN, method: 'requestAirdrop' } });
  const server = await startRpcServer(chain);
  const timer =
    options.slotIntervalMs === undefined
      ? undefined
      : setInterval(() => chain.advance(1), options.slotIntervalMs);
  timer?.unref();

  const execute = (
    instructions: readonly TransactionInstruction[],
    signers: readonly Keypair[] = [],
  ): SolanaTxResult => {
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: chain.latest.blockhash });
    tx.add(...instructions);
    const unique = [payer, ...signers.filter((s) => !s.publicKey.equals(payer.publicKey))];
    tx.sign(...unique);
    const result = chain.execute(tx.serialize());
    if (!result.ok) {
      throw new AppError('CHAIN__RPC_ERROR', {
        context: { chain: CHAIN, method: 'sendTransaction', rpcCode: -32002 },
        shortMessage: `Devnet transaction failed: ${JSON.stringify(result.err)}`,
        details: result.logs.join('\n'),
      });
    }
    return { signature: result.signature, slot: result.slot };
  };

  const programOf = (account: PublicKey): PublicKey => {
    const info = chain.svm.getAccount(toAddress(account.toBase58()));
    if (!info.exists)
      throw new AppError('CHAIN__ACCOUNT_NOT_FOUND', {
        context: { chain: CHAIN, address: account.toBase58() },
      });
    if (info.programAddress === TOKEN_PROGRAM_ID.toBase58()) return TOKEN_PROGRAM_ID;
    if (info.programAddress === TOKEN_2022_PROGRAM_ID.toBase58()) return TOKEN_2022_PROGRAM_ID;
    throw new AppError('CHAIN__UNSUPPORTED_TOKEN_PROGRAM', {
      context: { chain: CHAIN, address: account.toBase58(), program: info.programAddress },
    });
  };

  const accountData = (account: PublicKey): Buffer => {
    const info = chain.svm.getAccount(toAddress(account.toBase58()));
    if (!info.exists)
      throw new AppError('CHAIN__ACCOUNT_NOT_FOUND', {
        context: { chain: CHAIN, address: account.toBase58() },
      });
    return Buffer.from(info.data);
  };
  const mintDecimals = (mint: PublicKey): number => accountData(mint)[44] ?? 0;
  const mintOf = (tokenAccount: PublicKey): PublicKey => {
    const data = accountData(tokenAccount);
    return new PublicKey(data.subarray(0, 32));
  };

  const devnet: SolanaDevnet = {
    rpcUrl: server.rpcUrl,
    wsUrl: server.wsUrl,
    payer,
    chain,
    connection: (commitment = 'finalized') =>
      new Connection(server.rpcUrl, { commitment, wsEndpoint: server.wsUrl }),
    slot: () => chain.slot,
    advanceSlots: (count) => chain.advance(count),
    airdrop: async (to, lamports) => {
      const result = chain.airdrop(toAddress(to.toBase58()), lamports);
      if (!result.ok)
        throw new AppError('CHAIN__RPC_ERROR', { context: { chain: CHAIN, method: 'requestAirdrop' } });
      return { signature: result.signature, slot: result.slot };
    },
    sendTransaction: async (instructions, signers = []) => execute(instructions, signers),
    createMint: async (decimals, opts = {}) => {
      const programId = opts.program === 'token-2022' ? TOKEN_2022_PROGRAM_ID : TOKEN_PROGRAM_ID;
      const mint = Keypair.generate();
      const authority = opts.authority ?? payer;
      execute(
        [
          SystemProgram.createAccount({
            fromPubkey: payer.publicKey,
            newAccountPubkey: mint.publicKey,
            lamports: Number(chain.svm.minimumBalanceForRentExemption(BigInt(MINT_SIZE))),
            space: MINT_SIZE,
            programId,
          }),
          initializeMint2(programId, mint.publicKey, decimals, authority.publicKey),
        ],
        [mint],
      );
      return mint.publicKey;
    },
    createTokenAccount: async (owner, mint, opts = {}) => {
      const programId = programOf(mint);
      if (opts.associated) {
        execute([createAssociatedTokenAccount(payer.publicKey, owner, mint, programId)]);
        return associatedTokenAddress(owner, mint, programId);
      }
      const account = Keypair.generate();
      // Token-2022 accounts get the ImmutableOwner extension, as its associated accounts always do,
      // so the devnet serves realistic longer-than-165-byte accounts.
      const is2022 = programId.equals(TOKEN_2022_PROGRAM_ID);
      const space = is2022 ? TOKEN_2022_IMMUTABLE_OWNER_ACCOUNT_SIZE : TOKEN_ACCOUNT_SIZE;
      execute(
        [
          SystemProgram.createAccount({
            fromPubkey: payer.publicKey,
            newAccountPubkey: account.publicKey,
            lamports: Number(chain.svm.minimumBalanceForRentExemption(BigInt(space))),
            space,
            programId,
          }),
          ...(is2022 ? [initializeImmutableOwner(account.publicKey)] : []),
          initializeAccount3(programId, account.publicKey, mint, owner),
        ],
        [account],
      );
      return account.publicKey;
    },
    mintTo: async (mint, destination, amount, authority = payer) =>
      execute(
        [mintToChecked(programOf(mint), mint, destination, authority.publicKey, amount, mintDecimals(mint))],
        [authority],
      ),
    transfer: async (source, destination, owner, amount) => {
      const mint = mintOf(source);
      return execute(
        [
          transferChecked(
            programOf(source),
            source,
            mint,
            destination,
            owner.publicKey,
            amount,
            mintDecimals(mint),
          ),
        ],
        [owner],
      );
    },
    burn: async (account, owner, amount) => {
      const mint = mintOf(account);
      return execute(
        [burnChecked(programOf(account), account, mint, owner.publicKey, amount, mintDecimals(mint))],
        [owner],
      );
    },
    tokenBalance: (account) => accountData(account).readBigUInt64LE(64),
    stop: async () => {
      if (timer) clearInterval(timer);
      await server.close();
    },
  };
  return devnet;
}
