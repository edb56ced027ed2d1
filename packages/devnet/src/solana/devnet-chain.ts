import { createHash, randomBytes } from 'node:crypto';
import { type Address, getTransactionDecoder } from '@solana/kit';
import { base58Encode } from '@xmargin/core';
import { Clock, FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from 'litesvm';
import { type TransactionErrorJson, transactionErrorJson } from './transaction-error.js';

/** How many recent blockhashes a transaction may reference (Solana's MAX_RECENT_BLOCKHASHES). */
export const BLOCKHASH_VALIDITY_SLOTS = 150n;
export const LAMPORTS_PER_SIGNATURE = 5000n;
export const SLOTS_PER_EPOCH = 432_000n;
/** Lamports in LiteSVM's faucet (its default is too small to fund a payer generously). */
const AIRDROP_POOL_LAMPORTS = 10n ** 18n;

/** A produced slot. The devnet has no forks and no skipped slots, so block height equals the slot. */
export interface SlotRecord {
  readonly slot: bigint;
  readonly parentSlot: bigint;
  readonly blockhash: string;
  readonly previousBlockhash: string;
  /** Unix seconds. */
  readonly blockTime: number;
  readonly signatures: readonly string[];
}

export interface SignatureRecord {
  readonly slot: bigint;
  readonly err: TransactionErrorJson | null;
  readonly logs: readonly string[];
  readonly unitsConsumed: bigint;
}

export type ExecuteResult =
  | { readonly ok: true; readonly signature: string; readonly slot: bigint; readonly logs: readonly string[] }
  | {
      readonly ok: false;
      readonly signature: string;
      readonly err: TransactionErrorJson;
      readonly logs: readonly string[];
      readonly unitsConsumed: bigint;
      /** Set when the failed transaction was recorded on chain (skipPreflight), as a validator does. */
      readonly slot?: bigint;
    };

export type SimulateResult = {
  readonly err: TransactionErrorJson | null;
  readonly logs: readonly string[];
  readonly unitsConsumed: bigint;
};

export interface DevnetChainOptions {
  /** First slot of the chain (default 1). */
  readonly startSlot?: bigint;
  /** Block time source in unix seconds (default the wall clock); block times never go backwards. */
  readonly now?: () => number;
}

type SlotListener = (record: SlotRecord) => void;

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

const u64le = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
};

/**
 * The devnet's ledger: LiteSVM executes transactions; this class adds what a validator has and
 * LiteSVM does not — a slot per block, a blockhash and block time per slot, a window of recent
 * blockhashes that transactions may reference, and signature statuses. Each accepted transaction
 * is executed in a new slot, which is produced (and, the devnet having a single honest node,
 * finalized) immediately.
 */
export class DevnetChain {
  readonly svm: LiteSVM;
  readonly genesisHash: string;
  private readonly blocks = new Map<bigint, SlotRecord>();
  private readonly statuses = new Map<string, SignatureRecord>();
  private readonly recentBlockhashes = new Map<string, bigint>();
  private readonly listeners = new Set<SlotListener>();
  private readonly now: () => number;
  private head: SlotRecord;
  private transactionCount = 0n;

  constructor(options: DevnetChainOptions = {}) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    // Blockhashes are checked here (against the recent window), not by LiteSVM, which only
    // accepts its single latest hash and would reject a transaction built one slot earlier.
    this.svm = new LiteSVM().withLamports(AIRDROP_POOL_LAMPORTS).withBlockhashCheck(false);
    this.genesisHash = base58Encode(sha256(randomBytes(32)));
    const startSlot = options.startSlot ?? 1n;
    this.head = {
      slot: startSlot - 1n,
      parentSlot: startSlot - 1n,
      blockhash: this.genesisHash,
      previousBlockhash: this.genesisHash,
      blockTime: this.now(),
      signatures: [],
    };
    this.prepareSlot(startSlot);
    this.produceSlot([]);
  }

  get slot(): bigint {
    return this.head.slot;
  }

  get latest(): SlotRecord {
    return this.head;
  }

  get lastValidBlockHeight(): bigint {
    return this.head.slot + BLOCKHASH_VALIDITY_SLOTS;
  }

  get totalTransactions(): bigint {
    return this.transactionCount;
  }

  block(slot: bigint): SlotRecord | undefined {
    return this.blocks.get(slot);
  }

  /** Slots that have blocks, ascending, within [from, to]. */
  blockSlots(from: bigint, to: bigint): bigint[] {
    const out: bigint[] = [];
    for (let s = from < 0n ? 0n : from; s <= to && s <= this.head.slot; s++)
      if (this.blocks.has(s)) out.push(s);
    return out;
  }

  signatureStatus(signature: string): SignatureRecord | undefined {
    return this.statuses.get(signature);
  }

  isBlockhashValid(blockhash: string): boolean {
    const slot = this.recentBlockhashes.get(blockhash);
    return slot !== undefined && slot + BLOCKHASH_VALIDITY_SLOTS >= this.head.slot;
  }

  onSlot(listener: SlotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Produces `count` empty slots. */
  advance(count: number): bigint {
    for (let i = 0; i < count; i++) this.produceSlot([]);
    return this.head.slot;
  }

  /** Executes a signed wire transaction in the next slot. */
  execute(wire: Uint8Array, options: { skipPreflight?: boolean } = {}): ExecuteResult {
    const tx = getTransactionDecoder().decode(wire);
    const firstSignature = Object.values(tx.signatures)[0];
    const signature = firstSignature ? base58Encode(firstSignature) : '';
    const blockhash = recentBlockhashOf(tx.messageBytes as unknown as Uint8Array);
    if (blockhash === undefined || !this.isBlockhashValid(blockhash)) {
      return { ok: false, signature, err: 'BlockhashNotFound', logs: [], unitsConsumed: 0n };
    }
    const result = this.svm.sendTransaction(tx);
    if (result instanceof FailedTransactionMetadata) {
      const meta = result.meta();
      const err = transactionErrorJson(result);
      const failure = {
        ok: false as const,
        signature,
        err,
        logs: meta.logs(),
        unitsConsumed: meta.computeUnitsConsumed(),
      };
      // A validator lands a failed transaction that skipped preflight (paying its fee); one that
      // failed the signature/age/duplicate checks never reaches a block.
      if (!options.skipPreflight || typeof err === 'string') return failure;
      const slot = this.recordExecuted(signature, err, meta);
      return { ...failure, slot };
    }
    const slot = this.recordExecuted(signature, null, result);
    return { ok: true, signature, slot, logs: result.logs() };
  }

  simulate(wire: Uint8Array, options: { sigVerify?: boolean } = {}): SimulateResult {
    const tx = getTransactionDecoder().decode(wire);
    const sigVerify = options.sigVerify ?? false;
    this.svm.withSigverify(sigVerify);
    try {
      const result = this.svm.simulateTransaction(tx);
      if (result instanceof FailedTransactionMetadata) {
        const meta = result.meta();
        return {
          err: transactionErrorJson(result),
          logs: meta.logs(),
          unitsConsumed: meta.computeUnitsConsumed(),
        };
      }
      const meta = result.meta();
      return { err: null, logs: meta.logs(), unitsConsumed: meta.computeUnitsConsumed() };
    } finally {
      this.svm.withSigverify(true);
    }
  }

  /** Credits lamports as a faucet transaction in the next slot. */
  airdrop(address: Address, lamports: bigint): ExecuteResult {
    const result = this.svm.airdrop(address, lamports as Parameters<LiteSVM['airdrop']>[1]);
    if (result === null) {
      return { ok: false, signature: '', err: 'AccountNotFound', logs: [], unitsConsumed: 0n };
    }
    if (result instanceof FailedTransactionMetadata) {
      const meta = result.meta();
      return {
        ok: false,
        signature: base58Encode(meta.signature()),
        err: transactionErrorJson(result),
        logs: meta.logs(),
        unitsConsumed: meta.computeUnitsConsumed(),
      };
    }
    const signature = base58Encode(result.signature());
    const slot = this.recordExecuted(signature, null, result);
    return { ok: true, signature, slot, logs: result.logs() };
  }

  private recordExecuted(
    signature: string,
    err: TransactionErrorJson | null,
    meta: TransactionMetadata,
  ): bigint {
    this.transactionCount++;
    const record = this.produceSlot([signature]);
    this.statuses.set(signature, {
      slot: record.slot,
      err,
      logs: meta.logs(),
      unitsConsumed: meta.computeUnitsConsumed(),
    });
    // Listeners (signature subscriptions) run after the status exists.
    for (const l of this.listeners) l(record);
    return record.slot;
  }

  /** Seals the slot the SVM is executing in and moves the SVM clock to the next one. */
  private produceSlot(signatures: string[], notify = signatures.length === 0): SlotRecord {
    const slot = this.head.slot + 1n;
    const blockTime = Math.max(this.head.blockTime, this.now());
    const hashBytes = sha256(
      Buffer.from(this.head.blockhash),
      u64le(slot),
      ...signatures.map((s) => Buffer.from(s)),
    );
    const record: SlotRecord = {
      slot,
      parentSlot: this.head.slot,
      blockhash: base58Encode(hashBytes),
      previousBlockhash: this.head.blockhash,
      blockTime,
      signatures,
    };
    this.blocks.set(slot, record);
    this.recentBlockhashes.set(record.blockhash, slot);
    for (const [hash, s] of this.recentBlockhashes) {
      if (s + BLOCKHASH_VALIDITY_SLOTS < slot) this.recentBlockhashes.delete(hash);
      else break;
    }
    this.head = record;
    this.prepareSlot(slot + 1n);
    if (notify) for (const l of this.listeners) l(record);
    return record;
  }

  private prepareSlot(slot: bigint): void {
    this.svm.warpToSlot(slot);
    const clock = this.svm.getClock();
    const epoch = slot / SLOTS_PER_EPOCH;
    this.svm.setClock(
      new Clock(
        slot,
        clock.epochStartTimestamp,
        epoch,
        epoch,
        BigInt(Math.max(this.head.blockTime, this.now())),
      ),
    );
  }
}

/**
 * Reads the recent blockhash out of a legacy or v0 message: header (3 bytes, after the version
 * byte for v0), compact-u16 count of account keys, the keys, then the 32-byte blockhash.
 */
function recentBlockhashOf(message: Uint8Array): string | undefined {
  let offset = (message[0] ?? 0) & 0x80 ? 1 : 0;
  offset += 3;
  let count = 0;
  for (let shift = 0; shift < 21; shift += 7) {
    const byte = message[offset++];
    if (byte === undefined) return undefined;
    count |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
  }
  offset += count * 32;
  if (offset + 32 > message.length) return undefined;
  return base58Encode(message.subarray(offset, offset + 32));
}
