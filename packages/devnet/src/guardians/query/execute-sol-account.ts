import { type Connection, PublicKey } from '@solana/web3.js';
import {
  type SolanaAccountQueryRequest,
  SolanaAccountQueryResponse,
  type SolanaAccountResult,
} from '@wormhole-foundation/wormhole-query-sdk';
import { AppError } from '@xmargin/errors';
import { rpcCall } from '../rpc-error.js';

export interface ExecuteSolAccountParameters {
  readonly connection: Connection;
  readonly rpcUrl: string;
  readonly wormholeChainId: number;
  readonly query: SolanaAccountQueryRequest;
}

/** u64::MAX: rent-exempt accounts report it, and JSON numbers round it up past 2^64. */
const MAX_RENT_EPOCH = 2n ** 64n - 1n;

function rejected(reason: string): AppError<'ATTESTATION__MALFORMED'> {
  return new AppError('ATTESTATION__MALFORMED', {
    shortMessage: `Cannot answer sol_account: ${reason}`,
    context: { reason },
  });
}

/**
 * Answers one `sol_account` request as a guardian does: `getMultipleAccounts` at finalized commitment
 * (honouring minContextSlot and the data slice), then the slot's block time (microseconds on the
 * wire) and block hash from `getBlock`. A missing account fails the whole query, as on the real network.
 */
export async function executeSolAccount(
  params: ExecuteSolAccountParameters,
): Promise<SolanaAccountQueryResponse> {
  const { connection, rpcUrl, query } = params;
  const chain = `wormhole:${params.wormholeChainId}`;
  if (query.commitment !== 'finalized')
    throw rejected(`commitment must be "finalized", got "${query.commitment}"`);
  if (query.accounts.length === 0) throw rejected('the request has no accounts');
  if (query.dataSliceLength === 0n && query.dataSliceOffset !== 0n) {
    throw rejected('a data slice offset needs a non-zero slice length');
  }
  const keys = query.accounts.map((a) => new PublicKey(a));

  const { context, value } = await rpcCall(chain, rpcUrl, 'getMultipleAccounts', () =>
    connection.getMultipleAccountsInfoAndContext(keys, {
      commitment: 'finalized',
      ...(query.minContextSlot === 0n ? {} : { minContextSlot: Number(query.minContextSlot) }),
      ...(query.dataSliceLength === 0n
        ? {}
        : { dataSlice: { offset: Number(query.dataSliceOffset), length: Number(query.dataSliceLength) } }),
    }),
  );
  const results: SolanaAccountResult[] = value.map((info, i) => {
    if (info === null) {
      throw new AppError('CHAIN__ACCOUNT_NOT_FOUND', {
        context: { chain, address: keys[i]?.toBase58() ?? '?' },
      });
    }
    const rentEpoch = BigInt(info.rentEpoch ?? 0);
    return {
      lamports: BigInt(info.lamports),
      rentEpoch: rentEpoch > MAX_RENT_EPOCH ? MAX_RENT_EPOCH : rentEpoch,
      executable: info.executable,
      owner: info.owner.toBytes(),
      data: Uint8Array.from(info.data),
    };
  });

  // The slot's own block supplies time and hash, as the guardian's watcher reads them.
  const slot = context.slot;
  const block = await rpcCall(chain, rpcUrl, 'getBlock', () =>
    connection.getBlock(slot, {
      commitment: 'finalized',
      transactionDetails: 'none',
      rewards: false,
      maxSupportedTransactionVersion: 0,
    }),
  );
  if (block === null || block.blockTime === null) throw rejected(`slot ${slot} has no block (time)`);
  return new SolanaAccountQueryResponse(
    BigInt(slot),
    BigInt(block.blockTime) * 1_000_000n,
    new PublicKey(block.blockhash).toBytes(),
    results,
  );
}
