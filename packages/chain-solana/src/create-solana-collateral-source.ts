import type {
  AccountId,
  ChainCursor,
  CollateralObservation,
  CollateralPollResult,
  CollateralSource,
  SolanaAddress,
} from '@xmargin/core';
import { solanaToUniversal } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import {
  type ResolvedConfig,
  type ResolvedTokenAccount,
  resolveConfig,
  type SolanaCollateralSourceConfig,
} from './config.js';
import { type AccountRead, type SlotBlock, SolanaRpc } from './solana-rpc.js';
import {
  type DecodedTokenAccount,
  decodeTokenAccount,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from './token-account.js';

export interface SolanaPollResult extends CollateralPollResult {
  /**
   * Registered token accounts that were not counted in this poll, one AppError each:
   * CHAIN__ACCOUNT_NOT_FOUND, CHAIN__UNSUPPORTED_TOKEN_PROGRAM, CHAIN__INVALID_TOKEN_ACCOUNT,
   * CHAIN__WRONG_MINT, CHAIN__WRONG_OWNER. They do not fail the poll: the other accounts are still read.
   */
  readonly rejections: readonly AppError[];
}

export interface SolanaCollateralSource extends CollateralSource {
  poll(cursor: ChainCursor | undefined, signal?: AbortSignal): Promise<SolanaPollResult>;
}

/** Concurrent getMultipleAccounts calls per poll. */
const READ_CONCURRENCY = 4;

/** Balance of one wallet in one mint, credited to one account: what an observation reports. */
interface Holding {
  readonly account: AccountId;
  readonly mint: SolanaAddress;
  readonly owner: string;
  readonly amount: bigint;
  readonly slot: bigint;
  readonly refs: readonly string[];
  /** Read from a registered escrow token account (owned by the engine's escrow authority). */
  readonly escrowed: boolean;
}

// Escrow holdings are keyed apart: the escrow authority is never summed with a wallet of the same key.
const holdingKey = (account: string, mint: string, owner: string, escrowed: boolean) =>
  `${account}|${mint}|${owner}|${escrowed ? 'escrow' : 'wallet'}`;

async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const sameCursor = (a: ChainCursor, b: ChainCursor) =>
  a.chain === b.chain && a.height === b.height && a.blockHash === b.blockHash;

/**
 * Solana collateral source: SPL Token and Token-2022 balances of the token accounts and wallets
 * registered to each account, read at `finalized` commitment.
 *
 * - Registered token accounts are read with getMultipleAccounts in batches of `batchSize` (≤100);
 *   registered wallets' token accounts of both programs with getTokenAccountsByOwner.
 * - One observation per (account, mint, wallet): the sum over that wallet's token accounts of the
 *   mint, `trust: 'unescrowed'` (the wallet's owner can move it at any time); a registered escrow
 *   token account (`escrow: true`, owned by the engine's escrow authority) is its own `escrowed` one, `height` = the context slot it was read at, `blockHash`/`observedAt` = that slot's block.
 * - Slot cursor: every read passes `minContextSlot = cursor.height`, so heights never go backwards;
 *   the returned cursor is the highest slot read. Observations are emitted only for balances that
 *   changed since the previous poll of this instance (a balance that disappeared is emitted as 0).
 *   A poll with no cursor, or with a cursor other than the one this instance last returned (restart,
 *   a caller retrying an unapplied result), emits every balance again.
 * - Wrong or unreadable registered token accounts are returned as `rejections` (see SolanaPollResult);
 *   a wallet's token accounts in unregistered mints are ignored (anyone can send any token to a wallet).
 * - RPC failures throw CHAIN__RPC_UNAVAILABLE / CHAIN__RPC_TIMEOUT / CHAIN__RPC_ERROR.
 */
export function createSolanaCollateralSource(config: SolanaCollateralSourceConfig): SolanaCollateralSource {
  const cfg = resolveConfig(config);
  let lastCursor: ChainCursor | undefined;
  let emitted = new Map<string, Holding>();

  return {
    chain: cfg.chain,
    async poll(cursor, signal) {
      if (cursor !== undefined && cursor.chain !== cfg.chain) {
        throw new AppError('CHAIN__INVALID_CONFIG', {
          context: { chain: cfg.chain, reason: `cursor belongs to chain ${cursor.chain}` },
        });
      }
      const rpc = new SolanaRpc({
        chain: cfg.chain,
        rpcUrl: cfg.rpcUrl,
        requestTimeoutMs: cfg.requestTimeoutMs,
        ...(signal === undefined ? {} : { signal }),
      });
      const floor = cursor?.height ?? 0n;
      const { holdings, rejections, maxSlot } = await readHoldings(cfg, rpc, floor);

      const fresh = cursor === undefined || lastCursor === undefined || !sameCursor(cursor, lastCursor);
      const previous = fresh ? new Map<string, Holding>() : emitted;
      const changed: Holding[] = [];
      for (const [key, h] of holdings) if (previous.get(key)?.amount !== h.amount) changed.push(h);
      for (const [key, h] of previous) {
        if (!holdings.has(key) && h.amount !== 0n) changed.push({ ...h, amount: 0n, slot: maxSlot });
      }

      const blocks = new Map<bigint, SlotBlock>();
      const blockOf = async (slot: bigint): Promise<SlotBlock> => {
        let block = blocks.get(slot);
        if (!block) {
          block = await rpc.getSlotBlock(slot);
          blocks.set(slot, block);
        }
        return block;
      };
      for (const slot of new Set(changed.map((h) => h.slot))) await blockOf(slot);

      const observations: CollateralObservation[] = [];
      for (const h of changed) {
        const block = blocks.get(h.slot) as SlotBlock;
        const mintConfig = cfg.mints.get(h.mint);
        if (!mintConfig) continue;
        observations.push({
          chain: cfg.chain,
          account: h.account,
          asset: mintConfig.asset,
          token: solanaToUniversal(h.mint),
          holder: solanaToUniversal(h.owner as SolanaAddress),
          amount: h.amount,
          decimals: mintConfig.decimals,
          height: h.slot,
          blockHash: block.blockhash,
          source: 'indexer',
          observedAt: block.blockTime ?? cfg.clock.now(),
          ref: h.refs.join(','),
          trust: h.escrowed ? 'escrowed' : 'unescrowed',
        });
      }
      observations.sort((a, b) =>
        a.account === b.account
          ? a.token === b.token
            ? cmp(a.holder, b.holder)
            : cmp(a.token, b.token)
          : cmp(a.account, b.account),
      );

      let next: ChainCursor;
      if (cursor !== undefined && maxSlot <= cursor.height) next = cursor;
      else next = { chain: cfg.chain, height: maxSlot, blockHash: (await blockOf(maxSlot)).blockhash };

      const kept = new Map(holdings);
      emitted = kept;
      lastCursor = next;
      return { observations, cursor: next, rejections };
    },
    async close() {
      emitted = new Map();
      lastCursor = undefined;
    },
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface ReadOutcome {
  readonly holdings: Map<string, Holding>;
  readonly rejections: AppError[];
  readonly maxSlot: bigint;
}

async function readHoldings(cfg: ResolvedConfig, rpc: SolanaRpc, floor: bigint): Promise<ReadOutcome> {
  const explicit = new Map<string, ResolvedTokenAccount>(cfg.tokenAccounts.map((t) => [t.address, t]));

  const batches: string[][] = [];
  const addresses = [...explicit.keys()];
  for (let i = 0; i < addresses.length; i += cfg.batchSize)
    batches.push(addresses.slice(i, i + cfg.batchSize));
  const ownerQueries = [...cfg.owners.keys()].flatMap((owner) => [
    { owner, programId: TOKEN_PROGRAM_ID },
    { owner, programId: TOKEN_2022_PROGRAM_ID },
  ]);

  const [explicitReads, discoveredReads] = await Promise.all([
    mapConcurrent(batches, READ_CONCURRENCY, (batch) => rpc.getMultipleAccounts(batch, floor)).then((r) =>
      r.flat(),
    ),
    mapConcurrent(ownerQueries, READ_CONCURRENCY, async (q) =>
      (await rpc.getTokenAccountsByOwner(q.owner, q.programId, floor)).map((read) => ({
        read,
        owner: q.owner,
      })),
    ).then((r) => r.flat()),
  ]);

  const holdings = new Map<string, Holding>();
  const rejections: AppError[] = [];
  let maxSlot = floor;
  const add = (
    account: AccountId,
    address: string,
    decoded: DecodedTokenAccount,
    slot: bigint,
    escrowed: boolean,
  ) => {
    const mint = decoded.mint as SolanaAddress;
    const key = holdingKey(account, mint, decoded.owner, escrowed);
    const prev = holdings.get(key);
    holdings.set(key, {
      account,
      mint,
      owner: decoded.owner,
      amount: (prev?.amount ?? 0n) + decoded.amount,
      slot: prev && prev.slot > slot ? prev.slot : slot,
      refs: [...(prev?.refs ?? []), address].sort(),
      escrowed,
    });
  };

  for (const read of explicitReads) {
    if (read.slot > maxSlot) maxSlot = read.slot;
    const target = explicit.get(read.address) as ResolvedTokenAccount;
    const decoded = classifyExplicit(cfg, target, read, rejections);
    if (decoded) add(target.account, read.address, decoded, read.slot, target.escrow);
  }
  for (const { read, owner } of discoveredReads) {
    if (read.slot > maxSlot) maxSlot = read.slot;
    // A wallet's account that is also registered explicitly is counted once, through its registration.
    if (explicit.has(read.address) || !read.info) continue;
    const decoded = decodeTokenAccount(read.info.owner, read.info.data);
    if (!decoded.ok || decoded.account.owner !== owner) continue;
    if (!cfg.mints.has(decoded.account.mint as SolanaAddress)) continue;
    add(cfg.owners.get(owner as SolanaAddress) as AccountId, read.address, decoded.account, read.slot, false);
  }
  return { holdings, rejections, maxSlot };
}

function classifyExplicit(
  cfg: ResolvedConfig,
  target: ResolvedTokenAccount,
  read: AccountRead,
  rejections: AppError[],
): DecodedTokenAccount | undefined {
  const chain = cfg.chain;
  const address = read.address;
  if (!read.info) {
    rejections.push(new AppError('CHAIN__ACCOUNT_NOT_FOUND', { context: { chain, address } }));
    return undefined;
  }
  const decoded = decodeTokenAccount(read.info.owner, read.info.data);
  if (!decoded.ok) {
    rejections.push(
      decoded.reason === 'unsupported-program'
        ? new AppError('CHAIN__UNSUPPORTED_TOKEN_PROGRAM', {
            context: { chain, address, program: decoded.program },
          })
        : new AppError('CHAIN__INVALID_TOKEN_ACCOUNT', {
            context: { chain, address, reason: decoded.detail },
          }),
    );
    return undefined;
  }
  const { mint, owner } = decoded.account;
  if (target.mint !== undefined && mint !== target.mint) {
    rejections.push(
      new AppError('CHAIN__WRONG_MINT', { context: { chain, address, expected: target.mint, actual: mint } }),
    );
    return undefined;
  }
  if (!cfg.mints.has(mint as SolanaAddress)) {
    const expected = [...cfg.mints.keys()].join(',');
    rejections.push(
      new AppError('CHAIN__WRONG_MINT', { context: { chain, address, expected, actual: mint } }),
    );
    return undefined;
  }
  if (target.owner !== undefined && owner !== target.owner) {
    rejections.push(
      new AppError('CHAIN__WRONG_OWNER', {
        context: { chain, address, expected: target.owner, actual: owner },
      }),
    );
    return undefined;
  }
  return decoded.account;
}
