import {
  type ChainCursor,
  type CollateralObservation,
  type CollateralPollResult,
  type CollateralSource,
  type EvmAddress,
  type UniversalAddress,
  universalAddress,
} from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { PublicClient } from 'viem';
import { maxBigInt, minBigInt } from './bigint-math.js';
import { BlockCheckpoints } from './block-checkpoints.js';
import { type EvmNetworkConfig, type ResolvedNetworkConfig, resolveNetworkConfig } from './config.js';
import { type BlockHeader, createEvmRpc } from './evm-rpc.js';
import { type ReadBalancesParameters, type ReadBalancesReturnType, readBalances } from './read-balances.js';
import { readVaultLogs } from './read-vault-logs.js';

export interface EvmSkipped {
  /** Events whose holder the resolver did not map to an account. */
  readonly unresolvedHolders: number;
  /** Events of tokens the vault accepts but this config does not index. */
  readonly unknownTokens: number;
}

export interface EvmPollResult extends CollateralPollResult {
  /** Highest block considered final in this poll (head minus finality depth). */
  readonly finalHeight: bigint;
  /** False when this poll stopped at `maxBlocksPerPoll` (or saw the chain move) and more is final. */
  readonly caughtUp: boolean;
  readonly skipped: EvmSkipped;
}

export interface EvmCollateralSource extends CollateralSource {
  readonly config: ResolvedNetworkConfig;
  /** The viem client (with the configured Multicall3), for callers that need raw reads. */
  readonly client: PublicClient;
  poll(cursor: ChainCursor | undefined, signal?: AbortSignal): Promise<EvmPollResult>;
  /** ERC-20 `balanceOf` for holders x tokens in one multicall at one final block. */
  readBalances(params: ReadBalancesParameters): Promise<ReadBalancesReturnType>;
}

/**
 * The EVM collateral source of one network: follows CollateralVault Deposit/Withdraw events in block
 * ranges up to head minus the finality depth, and detects reorgs by comparing the cursor's block hash
 * with the chain's. On a mismatch it finds the newest remembered block still on the chain, returns it
 * as `rollbackTo`, and re-reads everything after it in the same poll.
 */
export function createEvmCollateralSource(input: EvmNetworkConfig): EvmCollateralSource {
  const config = resolveNetworkConfig(input);
  const rpc = createEvmRpc(config);
  const checkpoints = new BlockCheckpoints();
  const vaultAddresses = config.vaults.map((v) => v.address);
  const minStart = config.vaults.reduce((m, v) => minBigInt(m, v.startBlock), config.vaults[0]!.startBlock);
  // The block before the first indexed one anchors the first cursor; genesis holds no vault events.
  const baseHeight = minStart > 0n ? minStart - 1n : 0n;
  const universal = new Map<EvmAddress, UniversalAddress>();
  const toUniversal = (a: EvmAddress): UniversalAddress => {
    let u = universal.get(a);
    if (u === undefined) {
      u = universalAddress(a);
      universal.set(a, u);
    }
    return u;
  };
  let chainIdChecked = false;
  let closed = false;

  async function checkChainId(): Promise<void> {
    if (chainIdChecked) return;
    const id = await rpc.chainId();
    if (id !== config.evmChainId) {
      throw new AppError('CHAIN__INVALID_CONFIG', {
        context: {
          chain: config.chain,
          reason: `RPC serves chain id ${id}, registry says ${config.evmChainId}`,
        },
      });
    }
    chainIdChecked = true;
  }

  const missingBlock = (height: bigint) =>
    new AppError('CHAIN__INVALID_CONFIG', {
      context: { chain: config.chain, reason: `block ${height} does not exist (start block beyond head?)` },
    });

  async function requireHeader(height: bigint): Promise<BlockHeader> {
    const header = await rpc.header(height);
    if (!header) throw missingBlock(height);
    return header;
  }

  /** Newest remembered block below `cursor` that is still on the chain (else a block maxReorgDepth back). */
  async function findForkPoint(cursor: ChainCursor): Promise<ChainCursor> {
    const floorByDepth = cursor.height - config.maxReorgDepth;
    const floor = maxBigInt(floorByDepth, baseHeight);
    const candidates = checkpoints.below(cursor.height, floor);
    const headers = await Promise.all(candidates.map((c) => rpc.header(c.height)));
    let fork: { height: bigint; hash: string } | undefined;
    for (const [i, c] of candidates.entries()) {
      if (headers[i]?.hash === c.hash) {
        fork = c;
        break;
      }
    }
    if (!fork) {
      const head = await rpc.blockNumber();
      const height = minBigInt(floor, head);
      fork = { height, hash: (await requireHeader(height)).hash };
    }
    checkpoints.dropAbove(fork.height);
    return { chain: config.chain, height: fork.height, blockHash: fork.hash };
  }

  async function poll(cursor: ChainCursor | undefined, signal?: AbortSignal): Promise<EvmPollResult> {
    if (closed) {
      throw new AppError('CHAIN__INVALID_CONFIG', {
        context: { chain: config.chain, reason: 'source is closed' },
      });
    }
    if (cursor !== undefined && cursor.chain !== config.chain) {
      throw new AppError('CHAIN__INVALID_CONFIG', {
        context: { chain: config.chain, reason: `cursor belongs to chain ${cursor.chain}` },
      });
    }
    signal?.throwIfAborted();
    await checkChainId();
    // The head and the cursor's block in one JSON-RPC batch.
    const [head, current] = await Promise.all([rpc.blockNumber(), rpc.header(cursor?.height ?? baseHeight)]);
    const finalHeight = head - config.finalityDepth;

    let base: ChainCursor;
    let rollbackTo: ChainCursor | undefined;
    if (cursor === undefined) {
      if (!current) throw missingBlock(baseHeight);
      base = { chain: config.chain, height: baseHeight, blockHash: current.hash };
    } else if (current?.hash === cursor.blockHash) {
      base = cursor;
    } else {
      rollbackTo = await findForkPoint(cursor);
      base = rollbackTo;
    }
    checkpoints.record(base.height, base.blockHash);

    const skipped = { unresolvedHolders: 0, unknownTokens: 0 };
    const from = base.height + 1n;
    const limit = base.height + config.maxBlocksPerPoll;
    const to = minBigInt(finalHeight, limit);
    const done = (
      observations: CollateralObservation[],
      next: ChainCursor,
      caughtUp: boolean,
    ): EvmPollResult => ({
      observations,
      cursor: next,
      ...(rollbackTo ? { rollbackTo } : {}),
      finalHeight,
      caughtUp,
      skipped,
    });
    if (to < from) return done([], base, true);

    // The new cursor block is read before and after the logs: the same hash both times means the chain
    // up to it did not change while the ranges were read, so the logs are all from that chain.
    const before = await rpc.header(to);
    const logs = await readVaultLogs(rpc, {
      vaults: vaultAddresses,
      fromBlock: from,
      toBlock: to,
      maxBlockRange: config.maxBlockRange,
      signal,
      chain: config.chain,
    });
    // One batch: the cursor block again, and the headers of blocks whose logs carry no time.
    const untimed = logs.filter((l) => l.blockTimestamp === undefined);
    const heights = [...new Set([to, ...untimed.map((l) => l.blockNumber)])];
    const fetched = await Promise.all(heights.map((h) => rpc.header(h)));
    const headers = new Map<bigint, BlockHeader | null>(heights.map((h, i) => [h, fetched[i] ?? null]));
    const end = headers.get(to);
    // The chain moved under the read (a reorg): read again next poll, from the same base.
    const moved =
      !end ||
      end.hash !== before?.hash ||
      logs.some((l) => l.blockNumber === to && l.blockHash !== end.hash) ||
      untimed.some((l) => headers.get(l.blockNumber)?.hash !== l.blockHash);
    if (moved) return done([], base, false);

    const observations: CollateralObservation[] = [];
    let lastRecorded = -1n;
    for (const log of logs) {
      // decodeVaultLog yields lower-case 20-byte hex: already an EvmAddress.
      const token = log.token as EvmAddress;
      const tokenConfig = config.tokens.get(token);
      if (!tokenConfig) {
        skipped.unknownTokens++;
        continue;
      }
      const holder = log.account as EvmAddress;
      const account = config.resolveAccount(holder, config.chain);
      if (account === undefined) {
        skipped.unresolvedHolders++;
        continue;
      }
      observations.push({
        chain: config.chain,
        account,
        asset: tokenConfig.asset,
        token: toUniversal(token),
        holder: toUniversal(holder),
        amount: log.balance,
        decimals: tokenConfig.decimals,
        height: log.blockNumber,
        blockHash: log.blockHash,
        source: 'indexer',
        observedAt: Number(log.blockTimestamp ?? headers.get(log.blockNumber)!.timestamp),
        ref: `${log.transactionHash}:${log.logIndex}`,
      });
      if (log.blockNumber !== lastRecorded) checkpoints.record(log.blockNumber, log.blockHash);
      lastRecorded = log.blockNumber;
    }
    checkpoints.record(end.number, end.hash);
    return done(observations, { chain: config.chain, height: to, blockHash: end.hash }, to === finalHeight);
  }

  return {
    chain: config.chain,
    config,
    client: rpc.client,
    poll,
    async readBalances(params) {
      await checkChainId();
      return readBalances(rpc, config, params);
    },
    async close() {
      closed = true;
    },
  };
}
