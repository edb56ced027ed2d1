import type { MarginView } from './margin-cache.js';
import { unpackMark } from './packed.js';

// A cached view is stored as two records (margin-cache.ts): its ledger part (what changes with the
// account's inputs, parameters and status), JSON written here, and its mark part (what a market move
// changes: the summary and when it was computed), packed (packed.ts). A market move rewrites only the
// mark parts: on a 100,000-account move the bytes the owners serialise and Redis stores were the cost,
// not the margin arithmetic.
//
// The ledger part is serialised from string parts: the same text as JSON.stringify (same keys in the
// same order), without walking the objects. Strings (ids, hashes, codes) still go through
// JSON.stringify, which escapes them; the rarely written parts (a stale reason, warnings) go through it
// whole. A resident account's freshness JSON is made once, when it is loaded.

/** A number as JSON writes it (non-finite numbers are `null` there too). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');
const str = (s: string): string => JSON.stringify(s);

/** The view's ledger part: accountId, inputHash, paramsVersion, status, stale, freshness, warnings. */
export function viewLedgerJson(v: MarginView, freshness = JSON.stringify(v.freshness)): string {
  const stale = v.stale === undefined ? '' : `,"stale":${JSON.stringify(v.stale)}`;
  const warnings = v.warnings.length === 0 ? '[]' : JSON.stringify(v.warnings);
  const params = v.paramsVersion === null ? 'null' : num(v.paramsVersion);
  return `{"accountId":${str(v.accountId)},"inputHash":${str(v.inputHash)},"paramsVersion":${params},"status":${str(v.status)}${stale},"freshness":${freshness},"warnings":${warnings}}`;
}

type LedgerPart = Pick<
  MarginView,
  'accountId' | 'inputHash' | 'paramsVersion' | 'status' | 'stale' | 'freshness' | 'warnings'
>;

function parse<T>(raw: string | null): Partial<T> | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as unknown;
    return v !== null && typeof v === 'object' ? (v as Partial<T>) : null;
  } catch {
    return null;
  }
}

/**
 * The view from its two stored parts, with the fields in the order JSON.stringify of a published view
 * has them; null when a part is missing or not in this format (an older release's record counts as
 * missing: the owner rewrites it, GET margin computes from the ledger meanwhile).
 */
export function joinView(ledgerText: string | null, mark: Uint8Array | null): MarginView | null {
  const l = parse<LedgerPart>(ledgerText);
  const m = mark === null ? null : unpackMark(mark);
  if (
    !l ||
    !m ||
    typeof l.accountId !== 'string' ||
    typeof l.inputHash !== 'string' ||
    (l.status !== 'ok' && l.status !== 'stale') ||
    !Array.isArray(l.freshness) ||
    !Array.isArray(l.warnings)
  )
    return null;
  return {
    accountId: l.accountId,
    computedAt: m.computedAt,
    asOf: m.asOf,
    inputHash: l.inputHash,
    paramsVersion: l.paramsVersion ?? null,
    status: l.status,
    ...(l.stale === undefined ? {} : { stale: l.stale }),
    summary: m.summary,
    freshness: l.freshness,
    warnings: l.warnings,
    requestedAt: m.requestedAt,
  };
}
