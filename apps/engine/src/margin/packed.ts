import { type MarginSummary, SUMMARY_FIELDS } from './snapshot.js';

// The records a market move writes for every exposed account, stored packed: float64s (little-endian),
// as bytes (binary Redis values: no base64 to make, nor a UTF-8 pass over them when a pipeline is
// written). Writing them costs a worker a few array stores per account; as JSON every number
// was formatted and every record concatenated and encoded (most of a 100,000-account move's CPU). The
// readers (GET margin, SSE, the consistency check) unpack what they read; a JSON number read back and
// a float64 unpacked are the same double, so their answers are unchanged. A non-finite number unpacks
// as null, as JSON writes it.

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function writeSummary(f: Float64Array, at: number, s: MarginSummary): void {
  f[at] = s.equity;
  f[at + 1] = s.initialRequirement;
  f[at + 2] = s.maintenanceRequirement;
  f[at + 3] = s.initialExcess;
  f[at + 4] = s.maintenanceExcess;
  f[at + 5] = s.markToMarket;
}

function readSummary(f: Float64Array, at: number): MarginSummary {
  const s: Record<string, number | null> = {};
  for (let k = 0; k < SUMMARY_FIELDS.length; k++) s[SUMMARY_FIELDS[k]!] = finite(f[at + k]!);
  return s as unknown as MarginSummary;
}

/** A view's mark part (margin-cache.ts): what a market move changes. */
export interface MarkPart {
  readonly computedAt: number;
  readonly asOf: number;
  readonly summary: MarginSummary | null;
  readonly requestedAt: number;
}

// A mark: computedAt, asOf, requestedAt, the summary's six numbers, and a flag (1: has a summary): ten
// float64s, 80 bytes, stored as bytes. The release before stored them padded to 81 bytes as base64 (108
// characters): still read.
export const MARK_BYTES = 80;
const BASE64_MARK_CHARS = 108;

export const MARK_DOUBLES = MARK_BYTES / 8;

/** Writes one mark part at double `at` of `f` (`MARK_DOUBLES` doubles): what `packMarks` writes per mark. */
export function writeMark(
  f: Float64Array,
  at: number,
  computedAt: number,
  asOf: number,
  requestedAt: number,
  summary: MarginSummary | null,
): void {
  f[at] = computedAt;
  f[at + 1] = asOf;
  f[at + 2] = requestedAt;
  if (summary) writeSummary(f, at + 3, summary);
  else f.fill(0, at + 3, at + 9);
  f[at + 9] = summary ? 1 : 0;
}

/**
 * The mark part `writeMark` wrote at double `at` of `f`, copied into a view's mark fields: its
 * computedAt, requestedAt and the numbers of its summary (an object of its own, written in place).
 */
export function copyMark(
  f: Float64Array,
  at: number,
  into: { computedAt: number; requestedAt: number; readonly summary: MarginSummary | null },
): void {
  into.computedAt = f[at]!;
  into.requestedAt = f[at + 2]!;
  const s = into.summary as { -readonly [K in keyof MarginSummary]: number } | null;
  if (!s) return;
  s.equity = f[at + 3]!;
  s.initialRequirement = f[at + 4]!;
  s.maintenanceRequirement = f[at + 5]!;
  s.initialExcess = f[at + 6]!;
  s.maintenanceExcess = f[at + 7]!;
  s.markToMarket = f[at + 8]!;
}

/** The mark parts of the views, packed into one buffer: 80 bytes each, in order. */
export function packMarks(marks: readonly MarkPart[]): Buffer {
  const f = new Float64Array(marks.length * MARK_DOUBLES);
  for (let i = 0; i < marks.length; i++) {
    const m = marks[i]!;
    writeMark(f, i * MARK_DOUBLES, m.computedAt, m.asOf, m.requestedAt, m.summary);
  }
  return Buffer.from(f.buffer);
}

/** The bytes of a base64 mark as the release before wrote it; null when these are not one. */
function base64Mark(bytes: Uint8Array): Uint8Array | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  if (!/^[A-Za-z0-9+/]+$/.test(text)) return null;
  const decoded = Buffer.from(text, 'base64');
  return decoded.length === MARK_BYTES + 1 && decoded[MARK_BYTES] === 0
    ? decoded.subarray(0, MARK_BYTES)
    : null;
}

/** A packed mark part; null when the bytes are not one (an older release's JSON record, or foreign). */
export function unpackMark(stored: Uint8Array): MarkPart | null {
  const bytes = stored.length === BASE64_MARK_CHARS ? base64Mark(stored) : stored;
  if (bytes === null || bytes.length !== MARK_BYTES) return null;
  const f = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + MARK_BYTES));
  if (f[9] !== 0 && f[9] !== 1) return null;
  if (!Number.isSafeInteger(f[0]) || !Number.isSafeInteger(f[1]) || !Number.isSafeInteger(f[2])) return null;
  return {
    computedAt: f[0]!,
    asOf: f[1]!,
    summary: f[9] === 1 ? readSummary(f, 3) : null,
    requestedAt: f[2]!,
  };
}

/** A margin event without a threshold crossing: what a move appends per account. */
export interface PackableMarginEvent {
  readonly type: 'margin';
  readonly accountId: string;
  readonly computedAt: number;
  readonly summary: MarginSummary;
  readonly previous?: MarginSummary;
  readonly requestedAt?: number;
}

// A packed margin event: flags (1: has previous, 2: has requestedAt), computedAt, requestedAt, summary,
// previous: fifteen float64s (little-endian), stored as bytes (a binary Redis value: no base64 to make,
// nor a UTF-8 pass over it when the pipeline is written). The accounts go beside them as a JSON array.
export const EVENT_DOUBLES = 15;
const EVENT_BYTES = EVENT_DOUBLES * 8;

/**
 * Margin events packed: their account ids (JSON array) and their numbers (bytes), written into `into`
 * when given (EVENT_DOUBLES per event; the bytes returned are then a view of it), else into an array of
 * their own.
 */
export function packMarginEvents(
  events: readonly PackableMarginEvent[],
  into?: Float64Array,
): readonly [ids: string, data: Buffer] {
  const f = into ?? new Float64Array(events.length * EVENT_DOUBLES);
  const ids = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const at = i * EVENT_DOUBLES;
    ids[i] = e.accountId;
    f[at] = (e.previous ? 1 : 0) | (e.requestedAt !== undefined ? 2 : 0);
    f[at + 1] = e.computedAt;
    f[at + 2] = e.requestedAt ?? 0;
    writeSummary(f, at + 3, e.summary);
    if (e.previous) writeSummary(f, at + 9, e.previous);
    else f.fill(0, at + 9, at + EVENT_DOUBLES);
  }
  return [JSON.stringify(ids), Buffer.from(f.buffer, f.byteOffset, events.length * EVENT_BYTES)];
}

/** Packed margin events' two fields decoded; throws when they do not match. */
function decodeEvents(idsText: string, bytes: Uint8Array): { ids: unknown[]; f: Float64Array } {
  const ids = JSON.parse(idsText) as unknown;
  if (!Array.isArray(ids) || bytes.length !== ids.length * EVENT_BYTES)
    throw new Error('packed margin events: ids and numbers do not match');
  // A copy: the bytes may start at any offset of a reply's buffer, a Float64Array only at a multiple of 8.
  return { ids, f: new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) };
}

/**
 * Only the `requestedAt` of packed margin events (0 where absent), read in place: what a follower of the
 * log that waits for changes needs, without copying the bytes or making an object per event. Throws when
 * the bytes are not whole events.
 */
export function packedRequestedAt(bytes: Buffer): Float64Array {
  if (bytes.length % EVENT_BYTES !== 0) throw new Error('packed margin events: not whole events');
  const out = new Float64Array(bytes.length / EVENT_BYTES);
  for (let i = 0; i < out.length; i++) {
    const at = i * EVENT_BYTES;
    out[i] = bytes.readDoubleLE(at) & 2 ? bytes.readDoubleLE(at + 16) : 0;
  }
  return out;
}

/**
 * The events `packMarginEvents` packed, as JSON.parse of their JSON would give them (same keys in the
 * same order); throws when the two fields do not match.
 */
export function unpackMarginEvents(idsText: string, bytes: Uint8Array): PackableMarginEvent[] {
  const { ids, f } = decodeEvents(idsText, bytes);
  const out = new Array<PackableMarginEvent>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const at = i * EVENT_DOUBLES;
    const flags = f[at]!;
    out[i] = {
      type: 'margin',
      accountId: String(ids[i]),
      computedAt: f[at + 1]!,
      summary: readSummary(f, at + 3),
      ...(flags & 1 ? { previous: readSummary(f, at + 9) } : {}),
      ...(flags & 2 ? { requestedAt: f[at + 2]! } : {}),
    };
  }
  return out;
}
