import type { MarginEvent } from '../stream/margin-events.js';
import type { MarginView } from './margin-cache.js';
import type { MarginSummary } from './snapshot.js';

// A cached view is stored as two records (margin-cache.ts): its ledger part (what changes with the
// account's inputs, parameters and status) and its mark part (what a market move changes: the summary
// and when it was computed). A market move rewrites only the mark parts: on a 100,000-account move the
// bytes the owners serialise and Redis stores were the cost, not the margin arithmetic.
//
// These records and the margin events are serialised from string parts: the same text as
// JSON.stringify (same keys in the same order), without walking the objects. Strings (ids, hashes,
// codes) still go through JSON.stringify, which escapes them; the rarely written parts (a stale reason,
// warnings, a threshold event) go through it whole. A resident account's freshness JSON is made once,
// when it is loaded, and a summary's JSON once per publish (for its view and event) and kept as the next
// event's `previous`.

/** A number as JSON writes it (non-finite numbers are `null` there too). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');
const str = (s: string): string => JSON.stringify(s);

/** JSON.stringify(summary), for a summary with exactly the MarginSummary fields in their order. */
export function summaryJson(s: MarginSummary): string {
  return `{"equity":${num(s.equity)},"initialRequirement":${num(s.initialRequirement)},"maintenanceRequirement":${num(s.maintenanceRequirement)},"initialExcess":${num(s.initialExcess)},"maintenanceExcess":${num(s.maintenanceExcess)},"markToMarket":${num(s.markToMarket)}}`;
}

/** The view's ledger part: accountId, inputHash, paramsVersion, status, stale, freshness, warnings. */
export function viewLedgerJson(v: MarginView, freshness = JSON.stringify(v.freshness)): string {
  const stale = v.stale === undefined ? '' : `,"stale":${JSON.stringify(v.stale)}`;
  const warnings = v.warnings.length === 0 ? '[]' : JSON.stringify(v.warnings);
  const params = v.paramsVersion === null ? 'null' : num(v.paramsVersion);
  return `{"accountId":${str(v.accountId)},"inputHash":${str(v.inputHash)},"paramsVersion":${params},"status":${str(v.status)}${stale},"freshness":${freshness},"warnings":${warnings}}`;
}

/** The view's mark part: computedAt, asOf, summary, requestedAt; `summary` may pass its JSON. */
export function viewMarkJson(
  v: MarginView,
  summary = v.summary === null ? 'null' : summaryJson(v.summary),
): string {
  return `{"computedAt":${num(v.computedAt)},"asOf":${num(v.asOf)},"summary":${summary},"requestedAt":${num(v.requestedAt)}}`;
}

type LedgerPart = Pick<
  MarginView,
  'accountId' | 'inputHash' | 'paramsVersion' | 'status' | 'stale' | 'freshness' | 'warnings'
>;
type MarkPart = Pick<MarginView, 'computedAt' | 'asOf' | 'summary' | 'requestedAt'>;

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
export function joinView(ledgerText: string | null, markText: string | null): MarginView | null {
  const l = parse<LedgerPart>(ledgerText);
  const m = parse<MarkPart>(markText);
  if (
    !l ||
    !m ||
    typeof l.accountId !== 'string' ||
    typeof l.inputHash !== 'string' ||
    (l.status !== 'ok' && l.status !== 'stale') ||
    !Array.isArray(l.freshness) ||
    !Array.isArray(l.warnings) ||
    typeof m.computedAt !== 'number' ||
    typeof m.asOf !== 'number' ||
    typeof m.requestedAt !== 'number' ||
    m.summary === undefined
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

/**
 * JSON.stringify(event); `summary` and `previous` may pass the summaries' JSON already made (`previous`
 * only when the event has one).
 */
export function marginEventJson(
  e: MarginEvent,
  summary = summaryJson(e.summary),
  previous = e.previous === undefined ? undefined : summaryJson(e.previous),
): string {
  if (e.type !== 'margin' || e.crossing !== undefined) return JSON.stringify(e);
  const prev = e.previous === undefined || previous === undefined ? '' : `,"previous":${previous}`;
  const requested = e.requestedAt === undefined ? '' : `,"requestedAt":${num(e.requestedAt)}`;
  return `{"type":"margin","accountId":${str(e.accountId)},"computedAt":${num(e.computedAt)},"summary":${summary}${prev}${requested}}`;
}
