import type { Redis } from 'ioredis';
import { type CommandQueue, EncodedCommand } from '../redis/command-batch.js';
import type { RedisKeys } from '../redis-keys.js';
import { MARK_BYTES } from './packed.js';
import type { ChainFreshness, MarginSummary } from './snapshot.js';
import { joinView } from './view-json.js';

/** Why an account's margin could not be computed, and since when (unix ms). */
export interface StaleReason {
  readonly code: string;
  readonly message: string;
  readonly since: number;
}

/**
 * What GET margin returns, minus the ages computed at read time: a few hundred bytes, written by the
 * owner of the account's shard whenever the account's summary or ledger inputs change. Stored as two
 * parts: the ledger part (JSON, view-json.ts), rewritten only when it changes, and the mark part
 * (packed, packed.ts).
 */
export interface MarginView {
  readonly accountId: string;
  /** Unix ms when the owner published this view. */
  readonly computedAt: number;
  /** The valuation time (unix seconds) of the book the summary comes from. */
  readonly asOf: number;
  /** sha256 of the account's ledger inputs (collateral and positions): same hash, same ledger state. */
  readonly inputHash: string;
  readonly paramsVersion: number | null;
  /** `stale`: the latest inputs cannot be computed; `summary` is then the last computed one, or null. */
  readonly status: 'ok' | 'stale';
  readonly stale?: StaleReason;
  readonly summary: MarginSummary | null;
  readonly freshness: readonly ChainFreshness[];
  readonly warnings: readonly { code: string; path: string; message: string }[];
  /** When the newest change this view reflects was accepted (unix ms). */
  readonly requestedAt: number;
}

/**
 * Views' two stored parts, per view in order: the ledger part's JSON (view-json.ts), null when
 * unchanged since the owner last wrote it; the packed mark part (packed.ts).
 */
export interface ViewTexts {
  readonly ledgers: readonly (string | null)[];
  /** The mark parts (packed.ts `writeMark`: MARK_BYTES each, in order). */
  readonly marks: Buffer;
  /**
   * Where to encode the commands (see `queueSetParts`), kept unchanged by the caller until they were
   * answered; a command it has no room for gets a buffer of its own.
   */
  readonly into?: Buffer;
}

/**
 * The cached views in Redis: GET margin is one MGET of the view's two parts, no database round trip.
 * Both parts of a view are written by one MSET (atomic) and read by one MGET, so a reader never joins a ledger
 * part with a mark part of another publish.
 */
export interface MarginCache {
  getView(accountId: string): Promise<MarginView | null>;
  /** Several views in one round trip (MGET), in the order asked. */
  getViews(accountIds: readonly string[]): Promise<(MarginView | null)[]>;
  /**
   * Queues the writes of views' parts on a command batch (the caller awaits it, and keeps `texts.marks`
   * and `texts.into` unchanged until it was answered): one MSET per thousand accounts, encoded by this
   * process (RESP). The accounts, and per account (same order) its ledger part, not written where null
   * (a market move rewrites only the mark parts), and its mark part. Made from the parts, not from view
   * objects: a market move's publish makes no view object per account. Throws a RangeError, before
   * queueing anything, when the parts do not match the accounts.
   */
  queueSetParts(batch: CommandQueue, accountIds: readonly string[], texts: ViewTexts): void;
}

/** Accounts per MSET of their views' parts (at most two keys each). */
const SET_CHUNK = 1_000;
/** The ids' lengths in bytes, per account of the MSET being encoded. */
let idBytesOf = new Int32Array(SET_CHUNK);

/**
 * The RESP encoding of one MSET of the views' parts of `accountIds[from..to)`: their written ledger
 * parts, then their mark parts (`marks`, MARK_BYTES each from account `from`'s). One command: atomic,
 * so a reader's MGET never joins a ledger part with a mark part of another publish. Written into
 * `room.into` from `room.at` (which it then advances) when it has room, else into a buffer of its own;
 * returns the encoded bytes.
 *
 * Encoded here rather than passed as arguments: as MSET arguments each key and value cost the
 * publishing process a string through ioredis's encoder (and a copy of the whole command, for binary
 * values), and a script that made the keys server-side cost Redis two to three times the MSET itself
 * (Lua strings per key and per value). Redis runs the encoded MSET alone.
 */
function encodeSetParts(
  ledgerPrefix: string,
  markPrefix: string,
  accountIds: readonly string[],
  from: number,
  to: number,
  ledgers: readonly (string | null)[],
  marks: Buffer,
  room: { readonly into: Buffer; at: number } | undefined,
): Buffer {
  const ledgerPrefixBytes = Buffer.byteLength(ledgerPrefix);
  const markPrefixBytes = Buffer.byteLength(markPrefix);
  let keys = to - from;
  // "$<n>\r\n" + n bytes + "\r\n", with room for the length's digits.
  const bulk = (n: number) => n + 5 + (n < 10 ? 1 : n < 100 ? 2 : n < 1_000 ? 3 : n < 10_000 ? 4 : 16);
  if (idBytesOf.length < to - from) idBytesOf = new Int32Array(to - from);
  let size = 32;
  for (let j = from; j < to; j++) {
    const idBytes = Buffer.byteLength(accountIds[j]!);
    idBytesOf[j - from] = idBytes;
    size += bulk(markPrefixBytes + idBytes) + bulk(MARK_BYTES);
    const ledger = ledgers[j];
    if (ledger != null) {
      keys++;
      size += bulk(ledgerPrefixBytes + idBytes) + bulk(Buffer.byteLength(ledger));
    }
  }
  const fits = room !== undefined && room.into.length - room.at >= size;
  const out = fits ? room.into.subarray(room.at) : Buffer.allocUnsafe(size);
  let off = out.write(`*${2 * keys + 1}\r\n$4\r\nMSET\r\n`, 0, 'latin1');
  for (let j = from; j < to; j++) {
    const ledger = ledgers[j];
    if (ledger == null) continue;
    const id = accountIds[j]!;
    off += out.write(`$${ledgerPrefixBytes + idBytesOf[j - from]!}\r\n${ledgerPrefix}${id}\r\n`, off);
    off += out.write(`$${Buffer.byteLength(ledger)}\r\n`, off);
    off += out.write(ledger, off);
    out[off++] = 13;
    out[off++] = 10;
  }
  // A market move writes only these: per account a string written as Latin-1 when it is ASCII (the
  // same bytes as UTF-8, copied without a check per character) and its mark part copied byte by byte
  // (a native copy per 80 bytes costs more in its call than in its copying).
  const asciiPrefix = markPrefixBytes === markPrefix.length;
  for (let j = from; j < to; j++) {
    const id = accountIds[j]!;
    const idBytes = idBytesOf[j - from]!;
    const head = `$${markPrefixBytes + idBytes}\r\n${markPrefix}${id}\r\n$${MARK_BYTES}\r\n`;
    off += asciiPrefix && idBytes === id.length ? out.write(head, off, 'latin1') : out.write(head, off);
    for (let k = (j - from) * MARK_BYTES, end = k + MARK_BYTES; k < end; k++) out[off++] = marks[k]!;
    out[off++] = 13;
    out[off++] = 10;
  }
  if (fits) room.at += off;
  return out.subarray(0, off);
}

export function createMarginCache(
  redis: Redis,
  keys: Pick<RedisKeys, 'marginViewLedger' | 'marginViewMark'>,
): MarginCache {
  const partKeys = (accountIds: readonly string[]) =>
    accountIds.flatMap((a) => [keys.marginViewLedger(a), keys.marginViewMark(a)]);
  // The script makes the keys as prefix + account id: the key functions must make them so.
  const ledgerPrefix = keys.marginViewLedger('');
  const markPrefix = keys.marginViewMark('');
  if (
    keys.marginViewLedger('acc_x') !== `${ledgerPrefix}acc_x` ||
    keys.marginViewMark('acc_x') !== `${markPrefix}acc_x`
  )
    throw new Error('margin view keys must be a prefix followed by the account id');
  const queueSetParts: MarginCache['queueSetParts'] = (batch, accountIds, texts) => {
    if (texts.marks.length !== accountIds.length * MARK_BYTES || texts.ledgers.length !== accountIds.length)
      throw new RangeError('queueSetParts: one ledger part (or null) and one mark part per account');
    const room = texts.into && { into: texts.into, at: 0 };
    for (let i = 0; i < accountIds.length; i += SET_CHUNK) {
      const end = Math.min(accountIds.length, i + SET_CHUNK);
      const marks = texts.marks.subarray(i * MARK_BYTES, end * MARK_BYTES);
      const bytes = encodeSetParts(ledgerPrefix, markPrefix, accountIds, i, end, texts.ledgers, marks, room);
      batch.sendCommand(new EncodedCommand('mset', bytes));
    }
  };
  return {
    // As Buffers: the mark parts are bytes (packed.ts), which a UTF-8 decoding would lose.
    async getView(accountId) {
      const [ledger, mark] = await redis.mgetBuffer(...partKeys([accountId]));
      return joinView(ledger?.toString() ?? null, mark ?? null);
    },
    async getViews(accountIds) {
      if (accountIds.length === 0) return [];
      const raws = await redis.mgetBuffer(...partKeys(accountIds));
      return accountIds.map((_, i) => joinView(raws[2 * i]?.toString() ?? null, raws[2 * i + 1] ?? null));
    },
    queueSetParts,
  };
}
