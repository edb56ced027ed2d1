import { type Address, address as toAddress } from '@solana/kit';
import { base58Decode, base58Encode } from '@xmargin/core';
import {
  type DevnetChain,
  LAMPORTS_PER_SIGNATURE,
  SLOTS_PER_EPOCH,
  type SlotRecord,
} from './devnet-chain.js';
import { type ParsedTokenData, parseTokenData, uiAmount } from './parse-token-data.js';
import { invalidParams, RpcCode, RpcError } from './rpc-error.js';
import { TOKEN_2022_PROGRAM_ID, TOKEN_ACCOUNT_SIZE, TOKEN_PROGRAM_ID } from './spl-instructions.js';

export type RpcHandler = (params: readonly unknown[], chain: DevnetChain) => unknown;

const COMMITMENTS = new Set([
  'processed',
  'confirmed',
  'finalized',
  'recent',
  'single',
  'singleGossip',
  'root',
  'max',
]);
/** Solana's cap on keys per getMultipleAccounts call. */
const MAX_MULTIPLE_ACCOUNTS = 100;
/** Solana's cap on signatures per getSignatureStatuses call. */
const MAX_SIGNATURE_STATUSES = 256;

type Config = Record<string, unknown>;

function configAt(params: readonly unknown[], index: number): Config {
  const value = params[index];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidParams(`Invalid params: expected a config object at ${index}`);
  const config = value as Config;
  // The devnet finalizes every block it produces, so every commitment reads the same state; an
  // unknown commitment is still a client bug, as on a real node.
  if (config.commitment !== undefined && !COMMITMENTS.has(String(config.commitment)))
    throw invalidParams(`Invalid params: unknown commitment ${String(config.commitment)}`);
  if (config.minContextSlot !== undefined) {
    const min = config.minContextSlot;
    if (typeof min !== 'number' || !Number.isSafeInteger(min) || min < 0)
      throw invalidParams('Invalid params: minContextSlot must be a non-negative integer');
  }
  return config;
}

/** Context slot of a read, honouring `minContextSlot` as agave does (-32016 when not reached). */
function contextSlot(chain: DevnetChain, config: Config): number {
  const slot = Number(chain.slot);
  const min = config.minContextSlot;
  if (typeof min === 'number' && min > slot)
    throw new RpcError(RpcCode.MinContextSlotNotReached, 'Minimum context slot has not been reached', {
      contextSlot: slot,
    });
  return slot;
}

function pubkeyAt(params: readonly unknown[], index: number): Address {
  const value = params[index];
  if (typeof value !== 'string') throw invalidParams(`Invalid params: expected a base58 pubkey at ${index}`);
  return parsePubkey(value);
}

function parsePubkey(value: string): Address {
  try {
    // kit's address() checks the alphabet and the 32-byte length.
    return toAddress(value);
  } catch {
    throw invalidParams(`Invalid param: Invalid pubkey ${value.slice(0, 64)}`);
  }
}

function slotAt(params: readonly unknown[], index: number): bigint {
  const value = params[index];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw invalidParams(`Invalid params: expected a slot at ${index}`);
  return BigInt(value);
}

function bytesParam(
  params: readonly unknown[],
  config: Config,
  defaultEncoding: 'base58' | 'base64',
): Uint8Array {
  const value = params[0];
  if (typeof value !== 'string') throw invalidParams('Invalid params: expected an encoded transaction');
  const encoding = config.encoding ?? defaultEncoding;
  if (encoding === 'base64') return Buffer.from(value, 'base64');
  if (encoding === 'base58') return base58Decode(value);
  throw invalidParams(`Invalid params: unsupported encoding ${String(encoding)}`);
}

type EncodedAccount = {
  data: [string, string] | ParsedTokenData;
  executable: boolean;
  lamports: number;
  owner: string;
  rentEpoch: number;
  space: number;
};

/** Account in RPC form; `jsonParsed` falls back to base64 as agave does for accounts it cannot parse. */
function encodeAccount(chain: DevnetChain, address: Address, config: Config): EncodedAccount | null {
  const account = chain.svm.getAccount(address);
  if (!account.exists) return null;
  const encoding = (config.encoding as string | undefined) ?? 'base58';
  let data: Uint8Array = account.data;
  const slice = config.dataSlice as { offset?: unknown; length?: unknown } | undefined;
  if (slice !== undefined) {
    if (typeof slice.offset !== 'number' || typeof slice.length !== 'number')
      throw invalidParams('Invalid params: dataSlice needs offset and length');
    data = data.subarray(slice.offset, slice.offset + slice.length);
  }
  let encoded: [string, string] | ParsedTokenData;
  const parsed =
    encoding === 'jsonParsed' && slice === undefined
      ? parseTokenData(account.programAddress, account.data as unknown as Uint8Array, (mint) =>
          mintDecimals(chain, mint),
        )
      : undefined;
  if (parsed) encoded = parsed;
  else if (encoding === 'base64' || encoding === 'jsonParsed')
    encoded = [Buffer.from(data).toString('base64'), 'base64'];
  else if (encoding === 'base58') {
    if (data.length > 128)
      throw invalidParams(
        'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.',
      );
    encoded = [base58Encode(data), 'base58'];
  } else throw invalidParams(`Invalid params: unsupported encoding ${encoding}`);
  return {
    data: encoded,
    executable: account.executable,
    lamports: Number(account.lamports),
    owner: account.programAddress,
    rentEpoch: 0,
    space: account.data.length,
  };
}

function mintDecimals(chain: DevnetChain, mint: string): number {
  const account = chain.svm.getAccount(toAddress(mint));
  return account.exists ? (account.data[44] ?? 0) : 0;
}

function isTokenAccountFor(
  data: Uint8Array,
  programId: string,
  owner: Uint8Array,
  mint: Uint8Array | undefined,
): boolean {
  if (data.length < TOKEN_ACCOUNT_SIZE) return false;
  // Token-2022 mints with extensions can be longer than 165 bytes; byte 165 tells them apart (2 = account).
  if (
    programId === TOKEN_2022_PROGRAM_ID.toBase58() &&
    data.length > TOKEN_ACCOUNT_SIZE &&
    data[TOKEN_ACCOUNT_SIZE] !== 2
  )
    return false;
  if (programId === TOKEN_PROGRAM_ID.toBase58() && data.length !== TOKEN_ACCOUNT_SIZE) return false;
  if (!Buffer.from(data.subarray(32, 64)).equals(owner)) return false;
  return mint === undefined || Buffer.from(data.subarray(0, 32)).equals(mint);
}

const withContext = (slot: number, value: unknown) => ({ context: { apiVersion: '2.2.0', slot }, value });

function blockJson(record: SlotRecord, config: Config): Record<string, unknown> {
  const details = (config.transactionDetails as string | undefined) ?? 'full';
  const out: Record<string, unknown> = {
    blockHeight: Number(record.slot),
    blockTime: record.blockTime,
    blockhash: record.blockhash,
    parentSlot: Number(record.parentSlot),
    previousBlockhash: record.previousBlockhash,
  };
  if (details === 'none') return out;
  if (details === 'signatures') return { ...out, signatures: record.signatures };
  // Full transaction bodies are not kept; clients that need them are out of the devnet's scope.
  throw invalidParams(
    `Invalid params: transactionDetails ${details} is not supported by the devnet (use none or signatures)`,
  );
}

function blockOrError(chain: DevnetChain, slot: bigint): SlotRecord {
  const record = chain.block(slot);
  if (!record) throw new RpcError(RpcCode.BlockNotAvailable, `Block not available for slot ${slot}`);
  return record;
}

function preflightFailure(
  message: string,
  err: unknown,
  logs: readonly string[],
  unitsConsumed: bigint,
): RpcError {
  return new RpcError(RpcCode.SendTransactionPreflightFailure, `Transaction simulation failed: ${message}`, {
    accounts: null,
    err,
    innerInstructions: null,
    logs,
    replacementBlockhash: null,
    returnData: null,
    unitsConsumed: Number(unitsConsumed),
  });
}

/** The JSON-RPC methods the devnet serves: what web3.js Connection, the adapter and the relayer call. */
export const rpcMethods: Record<string, RpcHandler> = {
  getHealth: () => 'ok',
  getVersion: () => ({ 'solana-core': '2.2.0', 'feature-set': 0 }),
  getGenesisHash: (_p, chain) => chain.genesisHash,
  getIdentity: (_p, chain) => ({ identity: base58Encode(Buffer.from(chain.genesisHash).subarray(0, 32)) }),
  getSlot: (p, chain) => contextSlot(chain, configAt(p, 0)),
  getBlockHeight: (p, chain) => contextSlot(chain, configAt(p, 0)),
  getTransactionCount: (p, chain) => {
    contextSlot(chain, configAt(p, 0));
    return Number(chain.totalTransactions);
  },
  getFirstAvailableBlock: (_p, chain) => Number(chain.blockSlots(0n, chain.slot)[0] ?? 0n),
  getEpochInfo: (p, chain) => {
    const slot = BigInt(contextSlot(chain, configAt(p, 0)));
    return {
      absoluteSlot: Number(slot),
      blockHeight: Number(slot),
      epoch: Number(slot / SLOTS_PER_EPOCH),
      slotIndex: Number(slot % SLOTS_PER_EPOCH),
      slotsInEpoch: Number(SLOTS_PER_EPOCH),
      transactionCount: Number(chain.totalTransactions),
    };
  },
  getLatestBlockhash: (p, chain) =>
    withContext(contextSlot(chain, configAt(p, 0)), {
      blockhash: chain.latest.blockhash,
      lastValidBlockHeight: Number(chain.lastValidBlockHeight),
    }),
  getRecentBlockhash: (p, chain) =>
    withContext(contextSlot(chain, configAt(p, 0)), {
      blockhash: chain.latest.blockhash,
      feeCalculator: { lamportsPerSignature: Number(LAMPORTS_PER_SIGNATURE) },
    }),
  isBlockhashValid: (p, chain) => {
    const config = configAt(p, 1);
    if (typeof p[0] !== 'string') throw invalidParams('Invalid params: expected a blockhash');
    return withContext(contextSlot(chain, config), chain.isBlockhashValid(p[0]));
  },
  getFeeForMessage: (p, chain) => {
    const config = configAt(p, 1);
    const message = bytesParam(p, { encoding: 'base64' }, 'base64');
    // Legacy and v0 messages both start their header with the required-signature count.
    const signatures = (message[0] ?? 0) & 0x80 ? (message[1] ?? 0) : (message[0] ?? 0);
    return withContext(contextSlot(chain, config), Number(LAMPORTS_PER_SIGNATURE) * signatures);
  },
  getMinimumBalanceForRentExemption: (p, chain) => {
    const size = p[0];
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw invalidParams('Invalid params: expected a data length');
    return Number(chain.svm.minimumBalanceForRentExemption(BigInt(size)));
  },
  getBalance: (p, chain) => {
    const address = pubkeyAt(p, 0);
    const slot = contextSlot(chain, configAt(p, 1));
    return withContext(slot, Number(chain.svm.getBalance(address) ?? 0n));
  },
  getAccountInfo: (p, chain) => {
    const address = pubkeyAt(p, 0);
    const config = configAt(p, 1);
    const slot = contextSlot(chain, config);
    return withContext(slot, encodeAccount(chain, address, config));
  },
  getMultipleAccounts: (p, chain) => {
    const keys = p[0];
    if (!Array.isArray(keys)) throw invalidParams('Invalid params: expected an array of pubkeys');
    if (keys.length > MAX_MULTIPLE_ACCOUNTS)
      throw invalidParams(`Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
    const addresses = keys.map((k) => {
      if (typeof k !== 'string') throw invalidParams('Invalid params: expected an array of pubkeys');
      return parsePubkey(k);
    });
    const config = configAt(p, 1);
    const slot = contextSlot(chain, config);
    return withContext(
      slot,
      addresses.map((a) => encodeAccount(chain, a, config)),
    );
  },
  getTokenAccountsByOwner: (p, chain) => {
    const owner = pubkeyAt(p, 0);
    const filter = p[1] as { mint?: unknown; programId?: unknown } | undefined;
    const config = configAt(p, 2);
    let programId: string;
    let mint: Uint8Array | undefined;
    if (filter && typeof filter.mint === 'string') {
      const mintAddress = parsePubkey(filter.mint);
      const mintAccount = chain.svm.getAccount(mintAddress);
      if (!mintAccount.exists) throw invalidParams('Invalid param: could not find mint');
      programId = mintAccount.programAddress;
      mint = base58Decode(mintAddress);
    } else if (filter && typeof filter.programId === 'string') {
      programId = parsePubkey(filter.programId);
    } else throw invalidParams('Invalid params: expected a mint or programId filter');
    if (programId !== TOKEN_PROGRAM_ID.toBase58() && programId !== TOKEN_2022_PROGRAM_ID.toBase58())
      throw invalidParams(`Invalid param: unrecognized Token program id`);
    const slot = contextSlot(chain, config);
    const ownerBytes = base58Decode(owner);
    const found = chain.svm
      .getProgramAccounts(toAddress(programId))
      .filter((a) => isTokenAccountFor(a.data as unknown as Uint8Array, programId, ownerBytes, mint))
      .map((a) => ({
        pubkey: a.address,
        account: encodeAccount(chain, a.address, { encoding: config.encoding ?? 'base64' }),
      }));
    return withContext(slot, found);
  },
  getTokenAccountBalance: (p, chain) => {
    const address = pubkeyAt(p, 0);
    const slot = contextSlot(chain, configAt(p, 1));
    const account = chain.svm.getAccount(address);
    if (!account.exists || account.data.length < TOKEN_ACCOUNT_SIZE)
      throw invalidParams('Invalid param: not a Token account');
    const data = Buffer.from(account.data);
    const amount = data.readBigUInt64LE(64);
    return withContext(slot, uiAmount(amount, mintDecimals(chain, base58Encode(data.subarray(0, 32)))));
  },
  getBlockTime: (p, chain) => blockOrError(chain, slotAt(p, 0)).blockTime,
  getBlock: (p, chain) => {
    const slot = slotAt(p, 0);
    const config = configAt(p, 1);
    return blockJson(blockOrError(chain, slot), config);
  },
  getBlocks: (p, chain) => {
    const start = slotAt(p, 0);
    const end = typeof p[1] === 'number' ? slotAt(p, 1) : chain.slot;
    return chain.blockSlots(start, end).map(Number);
  },
  getSignatureStatuses: (p, chain) => {
    const signatures = p[0];
    if (!Array.isArray(signatures) || signatures.length > MAX_SIGNATURE_STATUSES)
      throw invalidParams('Invalid params: expected up to 256 signatures');
    const value = signatures.map((s) => {
      const status = typeof s === 'string' ? chain.signatureStatus(s) : undefined;
      if (!status) return null;
      return {
        confirmationStatus: 'finalized',
        confirmations: null,
        err: status.err,
        slot: Number(status.slot),
        status: status.err === null ? { Ok: null } : { Err: status.err },
      };
    });
    return withContext(Number(chain.slot), value);
  },
  sendTransaction: (p, chain) => {
    const config = configAt(p, 1);
    if (config.preflightCommitment !== undefined && !COMMITMENTS.has(String(config.preflightCommitment)))
      throw invalidParams('Invalid params: unknown preflightCommitment');
    contextSlot(chain, config);
    const wire = bytesParam(p, config, 'base58');
    const result = decodeOrThrow(() => chain.execute(wire, { skipPreflight: config.skipPreflight === true }));
    if (result.ok || result.slot !== undefined) return result.signature;
    if (result.err === 'SignatureFailure')
      throw new RpcError(
        RpcCode.TransactionSignatureVerificationFailure,
        'Transaction signature verification failure',
      );
    const message = typeof result.err === 'string' ? result.err : JSON.stringify(result.err);
    throw preflightFailure(message, result.err, result.logs, result.unitsConsumed);
  },
  simulateTransaction: (p, chain) => {
    const config = configAt(p, 1);
    const slot = contextSlot(chain, config);
    const wire = bytesParam(p, config, 'base58');
    const result = decodeOrThrow(() => chain.simulate(wire, { sigVerify: config.sigVerify === true }));
    return withContext(slot, {
      accounts: null,
      err: result.err,
      innerInstructions: null,
      logs: result.logs,
      replacementBlockhash: null,
      returnData: null,
      unitsConsumed: Number(result.unitsConsumed),
    });
  },
  requestAirdrop: (p, chain) => {
    const address = pubkeyAt(p, 0);
    const lamports = p[1];
    if (typeof lamports !== 'number' || !Number.isSafeInteger(lamports) || lamports <= 0)
      throw invalidParams('Invalid params: expected lamports');
    const result = chain.airdrop(address, BigInt(lamports));
    if (!result.ok)
      throw new RpcError(RpcCode.InternalError, `airdrop failed: ${JSON.stringify(result.err)}`);
    return result.signature;
  },
};

function decodeOrThrow<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof RpcError) throw err;
    throw invalidParams(
      `failed to deserialize transaction: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
