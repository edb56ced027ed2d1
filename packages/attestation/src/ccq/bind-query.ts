import {
  ChainQueryType,
  EthCallWithFinalityQueryRequest,
  EthCallWithFinalityQueryResponse,
  type QueryResponse,
  SolanaAccountQueryRequest,
  SolanaAccountQueryResponse,
} from '@wormhole-foundation/wormhole-query-sdk';
import { base58Decode, base58Encode } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import { fromHex, type Hex, toHex } from '../internal/bytes.js';

/** An ERC-20 `balanceOf(holder)` read at a finalized block. Addresses: 20-byte hex. */
export interface ExpectedEvmBalanceQuery {
  readonly kind: 'evm-balance';
  /** Wormhole chain id the query ran on. */
  readonly chainId: number;
  readonly token: string;
  readonly holder: string;
}

/** An SPL token account read at finalized commitment. Keys: base58 or 32-byte hex. */
export interface ExpectedSplBalanceQuery {
  readonly kind: 'spl-balance';
  readonly chainId: number;
  /** The token account queried. */
  readonly account: string;
  readonly mint: string;
  /** The wallet that owns the token account (SPL layout bytes 32..64). */
  readonly owner: string;
  /** Which token program may own the account (default: either SPL Token or Token-2022). */
  readonly tokenProgram?: 'spl-token' | 'token-2022';
}

export type ExpectedQuery = ExpectedEvmBalanceQuery | ExpectedSplBalanceQuery;

export interface EvmBalanceResult {
  readonly kind: 'evm-balance';
  readonly chainId: number;
  readonly token: Hex;
  readonly holder: Hex;
  readonly balance: bigint;
  readonly blockNumber: bigint;
  readonly blockHash: Hex;
  /** Block time in unix seconds (the response carries microseconds). */
  readonly blockTime: number;
}

export interface SplBalanceResult {
  readonly kind: 'spl-balance';
  readonly chainId: number;
  readonly account: string;
  readonly mint: string;
  readonly owner: string;
  readonly tokenProgram: 'spl-token' | 'token-2022';
  readonly amount: bigint;
  readonly slot: bigint;
  readonly blockHash: string;
  /** Block time in unix seconds (the response carries microseconds). */
  readonly blockTime: number;
}

export type BoundQueryResult = EvmBalanceResult | SplBalanceResult;

export const SPL_TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
/** ERC-20 `balanceOf(address)` selector. */
const BALANCE_OF = '70a08231';
/** SPL token account size; Token-2022 accounts with extensions are longer, AccountType byte at 165 = 2. */
const SPL_ACCOUNT_SIZE = 165;

function mismatch(field: string, expected: string, actual: string): AppError {
  return new AppError('ATTESTATION__QUERY_MISMATCH', {
    shortMessage: `Queries response ${field} is ${actual}, expected ${expected}`,
    context: { field, expected, actual },
  });
}

function resultInvalid(field: string, expected: string, actual: string): AppError {
  return new AppError('ATTESTATION__QUERY_RESULT_INVALID', {
    shortMessage: `Queries result ${field} is ${actual}, expected ${expected}`,
    context: { field, expected, actual },
  });
}

function evmAddressHex(input: string, what: string): Hex {
  const bytes = fromHex(input, what);
  if (bytes.length !== 20) {
    throw new AppError('ATTESTATION__MALFORMED', {
      shortMessage: `${what} is not a 20-byte address`,
      context: { reason: `${what} has ${bytes.length} bytes` },
    });
  }
  return toHex(bytes);
}

/** A Solana public key given as base58 or 0x hex, as base58. */
function solanaKey(input: string, what: string): string {
  const bytes = input.startsWith('0x') ? fromHex(input, what) : safeBase58(input, what);
  if (bytes.length !== 32) {
    throw new AppError('ATTESTATION__MALFORMED', {
      shortMessage: `${what} is not a 32-byte public key`,
      context: { reason: `${what} has ${bytes.length} bytes` },
    });
  }
  return base58Encode(bytes);
}

function safeBase58(input: string, what: string): Uint8Array {
  try {
    return base58Decode(input);
  } catch (cause) {
    throw new AppError('ATTESTATION__MALFORMED', {
      shortMessage: `${what} is not base58`,
      context: { reason: `${what} is not base58` },
      cause,
    });
  }
}

const microsToSeconds = (micros: bigint): number => Number(micros / 1_000_000n);

/**
 * Binds a signed Queries response to the request we expected: exactly one per-chain request and response,
 * on the expected chain, of the expected query type and finality, reading exactly the expected state.
 * Request-side disagreements are ATTESTATION__QUERY_MISMATCH; a result that does not describe the
 * expected account (wrong owner program, mint, owner, layout) is ATTESTATION__QUERY_RESULT_INVALID.
 */
export function bindQueryResponse(response: QueryResponse, expected: ExpectedQuery): BoundQueryResult {
  const requests = response.request.requests;
  if (requests.length !== 1) throw mismatch('request count', '1', String(requests.length));
  if (response.responses.length !== 1)
    throw mismatch('response count', '1', String(response.responses.length));
  const request = requests[0]!;
  const answer = response.responses[0]!;
  if (request.chainId !== expected.chainId)
    throw mismatch('request chain', String(expected.chainId), String(request.chainId));
  if (answer.chainId !== expected.chainId)
    throw mismatch('response chain', String(expected.chainId), String(answer.chainId));
  return expected.kind === 'evm-balance'
    ? bindEvmBalance(request.query, answer.response, expected)
    : bindSplBalance(request.query, answer.response, expected);
}

function bindEvmBalance(
  query: unknown,
  answer: unknown,
  expected: ExpectedEvmBalanceQuery,
): EvmBalanceResult {
  if (
    !(query instanceof EthCallWithFinalityQueryRequest) ||
    !(answer instanceof EthCallWithFinalityQueryResponse)
  ) {
    throw mismatch('query type', 'eth_call_with_finality', queryTypeName(query));
  }
  if (query.finality !== 'finalized') throw mismatch('finality', 'finalized', query.finality);
  if (query.callData.length !== 1) throw mismatch('call count', '1', String(query.callData.length));
  const token = evmAddressHex(expected.token, 'expected token');
  const holder = evmAddressHex(expected.holder, 'expected holder');
  const call = query.callData[0]!;
  const to = call.to.toLowerCase();
  if (to !== token) throw mismatch('call target (token)', token, to);
  const data = call.data.toLowerCase().replace(/^0x/, '');
  const wanted = `${BALANCE_OF}${'0'.repeat(24)}${holder.slice(2)}`;
  if (data !== wanted) throw mismatch('calldata (balanceOf holder)', `0x${wanted}`, `0x${data}`);
  if (answer.results.length !== 1) throw resultInvalid('result count', '1', String(answer.results.length));
  const result = fromHex(answer.results[0]!, 'balanceOf result');
  if (result.length !== 32) throw resultInvalid('balanceOf result size', '32', String(result.length));
  return {
    kind: 'evm-balance',
    chainId: expected.chainId,
    token,
    holder,
    balance: BigInt(toHex(result)),
    blockNumber: answer.blockNumber,
    blockHash: answer.blockHash.toLowerCase() as Hex,
    blockTime: microsToSeconds(answer.blockTime),
  };
}

function bindSplBalance(
  query: unknown,
  answer: unknown,
  expected: ExpectedSplBalanceQuery,
): SplBalanceResult {
  if (!(query instanceof SolanaAccountQueryRequest) || !(answer instanceof SolanaAccountQueryResponse)) {
    throw mismatch('query type', 'sol_account', queryTypeName(query));
  }
  if (query.commitment !== 'finalized') throw mismatch('commitment', 'finalized', query.commitment);
  // A data slice would hide the fields we check; the whole account must be returned.
  if (query.dataSliceOffset !== 0n || query.dataSliceLength !== 0n) {
    throw mismatch('data slice', '0/0', `${query.dataSliceOffset}/${query.dataSliceLength}`);
  }
  const account = solanaKey(expected.account, 'expected account');
  const mint = solanaKey(expected.mint, 'expected mint');
  const owner = solanaKey(expected.owner, 'expected owner');
  if (query.accounts.length !== 1) throw mismatch('account count', '1', String(query.accounts.length));
  const queried = base58Encode(query.accounts[0]!);
  if (queried !== account) throw mismatch('account', account, queried);
  if (answer.results.length !== 1) throw resultInvalid('result count', '1', String(answer.results.length));
  const result = answer.results[0]!;
  const programId = base58Encode(result.owner);
  const allowed =
    expected.tokenProgram === 'spl-token'
      ? [SPL_TOKEN_PROGRAM]
      : expected.tokenProgram === 'token-2022'
        ? [TOKEN_2022_PROGRAM]
        : [SPL_TOKEN_PROGRAM, TOKEN_2022_PROGRAM];
  if (!allowed.includes(programId)) throw resultInvalid('owner program', allowed.join(' or '), programId);
  const tokenProgram = programId === SPL_TOKEN_PROGRAM ? 'spl-token' : 'token-2022';
  const data = result.data;
  const layoutOk =
    tokenProgram === 'spl-token'
      ? data.length === SPL_ACCOUNT_SIZE
      : data.length === SPL_ACCOUNT_SIZE || (data.length > SPL_ACCOUNT_SIZE && data[SPL_ACCOUNT_SIZE] === 2);
  if (!layoutOk)
    throw resultInvalid(
      'token account layout',
      `${SPL_ACCOUNT_SIZE}-byte token account`,
      `${data.length} bytes`,
    );
  // Account state at byte 108: 0 = uninitialized (no balance can be proven), 1 = initialized, 2 = frozen.
  if (data[108] !== 1 && data[108] !== 2)
    throw resultInvalid('account state', 'initialized', String(data[108]));
  const actualMint = base58Encode(data.subarray(0, 32));
  if (actualMint !== mint) throw resultInvalid('mint', mint, actualMint);
  const actualOwner = base58Encode(data.subarray(32, 64));
  if (actualOwner !== owner) throw resultInvalid('token owner', owner, actualOwner);
  const amount = new DataView(data.buffer, data.byteOffset + 64, 8).getBigUint64(0, true);
  return {
    kind: 'spl-balance',
    chainId: expected.chainId,
    account,
    mint,
    owner,
    tokenProgram,
    amount,
    slot: answer.slotNumber,
    blockHash: base58Encode(answer.blockHash),
    blockTime: microsToSeconds(answer.blockTime),
  };
}

function queryTypeName(query: unknown): string {
  const type = (query as { type?: () => number } | null)?.type?.();
  return type === undefined ? 'unknown' : (ChainQueryType[type] ?? String(type));
}
