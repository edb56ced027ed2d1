import { type CollateralObservation, type EvmAddress, evmAddress, universalAddress } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { Address, Hash } from 'viem';
import type { ResolvedNetworkConfig } from './config.js';
import type { EvmRpc } from './evm-rpc.js';
import { erc20BalanceOfAbi } from './vault-events.js';

export interface ReadBalancesParameters {
  /** Wallets whose un-escrowed token balances to read. */
  readonly holders: readonly Address[];
  /** Tokens to read (each must be in the network's `tokens` config); default: all configured. */
  readonly tokens?: readonly Address[];
  /** Block to read at; default: the newest final block (head minus finality depth). */
  readonly blockNumber?: bigint;
}

export interface EvmWalletBalance {
  readonly holder: EvmAddress;
  readonly token: EvmAddress;
  readonly asset: string;
  readonly decimals: number;
  readonly amount: bigint;
}

export interface ReadBalancesReturnType {
  readonly height: bigint;
  readonly blockHash: Hash;
  /** Unix seconds of the block read. */
  readonly observedAt: number;
  /** Every holder x token, in that order (holders outer). */
  readonly balances: readonly EvmWalletBalance[];
  /** The balances of holders the resolver maps to an account, as observations (`ref` = `balanceOf:<token>:<holder>`). */
  readonly observations: readonly CollateralObservation[];
  readonly skipped: { readonly unresolvedHolders: number };
}

// Bytes of calldata per aggregate3 call: ~150 balanceOf calls, well under node eth_call gas caps.
const MULTICALL_BATCH_BYTES = 16_384;

/**
 * Reads ERC-20 balances of many holders with Multicall3 `aggregate3` at one block, so every balance
 * refers to the same height and hash.
 */
export async function readBalances(
  rpc: EvmRpc,
  config: ResolvedNetworkConfig,
  params: ReadBalancesParameters,
): Promise<ReadBalancesReturnType> {
  const invalid = (reason: string) =>
    new AppError('CHAIN__INVALID_CONFIG', { context: { chain: config.chain, reason } });
  const tokens = (params.tokens ?? [...config.tokens.keys()]).map((t) => {
    const address = evmAddress(t);
    const token = config.tokens.get(address);
    if (!token) throw invalid(`token ${t} is not in the network's tokens config`);
    return { address, ...token };
  });
  const holders = params.holders.map((h) => evmAddress(h));
  let height = params.blockNumber;
  if (height === undefined) height = (await rpc.blockNumber()) - config.finalityDepth;
  if (height < 0n) throw invalid('no final block yet');
  const at = height;
  const header = await rpc.header(at);
  if (!header) throw invalid(`block ${at} does not exist`);

  const pairs = holders.flatMap((holder) => tokens.map((token) => ({ holder, token })));
  const amounts =
    pairs.length === 0
      ? []
      : await rpc.call('eth_call:aggregate3', (c) =>
          c.multicall({
            contracts: pairs.map((p) => ({
              address: p.token.address,
              abi: erc20BalanceOfAbi,
              functionName: 'balanceOf' as const,
              args: [p.holder] as const,
            })),
            allowFailure: false,
            blockNumber: at,
            batchSize: MULTICALL_BATCH_BYTES,
          }),
        );

  const balances: EvmWalletBalance[] = [];
  const observations: CollateralObservation[] = [];
  let unresolvedHolders = 0;
  const observedAt = Number(header.timestamp);
  pairs.forEach((p, i) => {
    const amount = amounts[i] as bigint;
    balances.push({
      holder: p.holder,
      token: p.token.address,
      asset: p.token.asset,
      decimals: p.token.decimals,
      amount,
    });
    const account = config.resolveAccount(p.holder, config.chain);
    if (account === undefined) {
      unresolvedHolders++;
      return;
    }
    observations.push({
      chain: config.chain,
      account,
      asset: p.token.asset,
      token: universalAddress(p.token.address),
      holder: universalAddress(p.holder),
      amount,
      decimals: p.token.decimals,
      height: at,
      blockHash: header.hash,
      source: 'indexer',
      observedAt,
      ref: `balanceOf:${p.token.address}:${p.holder}`,
    });
  });
  return {
    height: at,
    blockHash: header.hash,
    observedAt,
    balances,
    observations,
    skipped: { unresolvedHolders },
  };
}
