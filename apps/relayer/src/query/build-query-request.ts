import { randomInt } from 'node:crypto';
import {
  EthCallWithFinalityQueryRequest,
  PerChainQueryRequest,
  QueryRequest,
  SolanaAccountQueryRequest,
} from '@wormhole-foundation/wormhole-query-sdk';
import { encodeFunctionData, erc20Abi } from 'viem';
import type { EvmBalanceTarget, SplAccountTarget } from './query-target.js';

/**
 * `eth_call_with_finality` ("finalized") of `balanceOf(holder)` on the token at a given block: the
 * exact request shape the engine binds a response to (chain, finality, `to`, calldata).
 */
export function buildEvmBalanceRequest(target: EvmBalanceTarget, blockNumber: bigint): QueryRequest {
  const data = encodeFunctionData({ abi: erc20Abi, functionName: 'balanceOf', args: [target.holder] });
  return new QueryRequest(randomInt(0, 2 ** 32 - 1), [
    new PerChainQueryRequest(
      target.wormholeChainId,
      new EthCallWithFinalityQueryRequest(Number(blockNumber), 'finalized', [{ to: target.token, data }]),
    ),
  ]);
}

/** `sol_account` with commitment "finalized" for one SPL token account. */
export function buildSplAccountRequest(target: SplAccountTarget): QueryRequest {
  return new QueryRequest(randomInt(0, 2 ** 32 - 1), [
    new PerChainQueryRequest(
      target.wormholeChainId,
      new SolanaAccountQueryRequest('finalized', [target.tokenAccount]),
    ),
  ]);
}
