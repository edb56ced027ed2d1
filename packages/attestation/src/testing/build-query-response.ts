import {
  EthCallWithFinalityQueryRequest,
  EthCallWithFinalityQueryResponse,
  PerChainQueryRequest,
  PerChainQueryResponse,
  QueryRequest,
  QueryResponse,
  SolanaAccountQueryRequest,
  SolanaAccountQueryResponse,
} from '@wormhole-foundation/wormhole-query-sdk';
import { base58Decode } from '@xmargin/core';
import { SPL_TOKEN_PROGRAM, TOKEN_2022_PROGRAM } from '../ccq/bind-query.js';
import { fromHex } from '../internal/bytes.js';

const REQUEST_ID = `0x${'00'.repeat(65)}`;

export interface EvmBalanceResponseParameters {
  readonly chainId: number;
  readonly token: string;
  readonly holder: string;
  readonly balance: bigint;
  readonly blockNumber: bigint;
  /** Unix seconds (written as microseconds, as the guardians do). */
  readonly blockTime: number;
  readonly blockHash?: string;
  readonly nonce?: number;
  readonly finality?: 'finalized' | 'safe';
}

/** A Queries response to `eth_call_with_finality(token.balanceOf(holder))`, built with the query SDK. */
export function buildEvmBalanceQueryResponse(p: EvmBalanceResponseParameters): Uint8Array {
  const data = `0x70a08231${'0'.repeat(24)}${p.holder.replace(/^0x/, '').toLowerCase()}`;
  const request = new QueryRequest(p.nonce ?? 0, [
    new PerChainQueryRequest(
      p.chainId,
      new EthCallWithFinalityQueryRequest(Number(p.blockNumber), p.finality ?? 'finalized', [
        { to: p.token, data },
      ]),
    ),
  ]);
  const result = `0x${p.balance.toString(16).padStart(64, '0')}`;
  const response = new QueryResponse(0, REQUEST_ID, request, [
    new PerChainQueryResponse(
      p.chainId,
      new EthCallWithFinalityQueryResponse(
        p.blockNumber,
        p.blockHash ?? `0x${'ab'.repeat(32)}`,
        BigInt(p.blockTime) * 1_000_000n,
        [result],
      ),
    ),
  ]);
  return response.serialize();
}

export interface SplBalanceResponseParameters {
  readonly chainId?: number;
  /** Token account, base58. */
  readonly account: string;
  readonly mint: string;
  readonly owner: string;
  readonly amount: bigint;
  readonly slot: bigint;
  /** Unix seconds (written as microseconds). */
  readonly blockTime: number;
  readonly tokenProgram?: 'spl-token' | 'token-2022' | string;
  /** Account state byte (1 = initialized). */
  readonly state?: number;
  readonly nonce?: number;
}

/** A Queries response to `sol_account([account])` returning an SPL token account with this content. */
export function buildSplBalanceQueryResponse(p: SplBalanceResponseParameters): Uint8Array {
  const data = new Uint8Array(165);
  data.set(base58Decode(p.mint), 0);
  data.set(base58Decode(p.owner), 32);
  new DataView(data.buffer).setBigUint64(64, p.amount, true);
  data[108] = p.state ?? 1;
  const program =
    p.tokenProgram === undefined || p.tokenProgram === 'spl-token'
      ? SPL_TOKEN_PROGRAM
      : p.tokenProgram === 'token-2022'
        ? TOKEN_2022_PROGRAM
        : p.tokenProgram;
  const chainId = p.chainId ?? 1;
  const request = new QueryRequest(p.nonce ?? 0, [
    new PerChainQueryRequest(chainId, new SolanaAccountQueryRequest('finalized', [p.account])),
  ]);
  const response = new QueryResponse(0, REQUEST_ID, request, [
    new PerChainQueryResponse(
      chainId,
      new SolanaAccountQueryResponse(
        p.slot,
        BigInt(p.blockTime) * 1_000_000n,
        fromHex(`0x${'cd'.repeat(32)}`),
        [{ lamports: 2_039_280n, rentEpoch: 0n, executable: false, owner: base58Decode(program), data }],
      ),
    ),
  ]);
  return response.serialize();
}
