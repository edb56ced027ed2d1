import type { MarginEvent } from '../stream/margin-events.js';
import type { MarginView } from './margin-cache.js';
import type { MarginSummary } from './snapshot.js';

// The two records a market move writes per account, the cached view and its margin event, serialised
// from string parts: the same text as JSON.stringify (same keys in the same order), without walking
// the objects. On a 5,000-account publish JSON.stringify of both was about a third of the owner's CPU.
// Strings (ids, hashes, codes) still go through JSON.stringify, which escapes them; the rarely written
// parts (a stale reason, warnings, a threshold event) go through it whole. A resident account's freshness
// JSON is made once, when it is loaded.

/** A number as JSON writes it (non-finite numbers are `null` there too). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');
const str = (s: string): string => JSON.stringify(s);

/** JSON.stringify(summary), for a summary with exactly the MarginSummary fields in their order. */
export function summaryJson(s: MarginSummary): string {
  return `{"equity":${num(s.equity)},"initialRequirement":${num(s.initialRequirement)},"maintenanceRequirement":${num(s.maintenanceRequirement)},"initialExcess":${num(s.initialExcess)},"maintenanceExcess":${num(s.maintenanceExcess)},"markToMarket":${num(s.markToMarket)}}`;
}

/** JSON.stringify(view); `summary` and `freshness` may pass their JSON already made. */
export function viewJson(
  v: MarginView,
  summary = v.summary === null ? 'null' : summaryJson(v.summary),
  freshness = JSON.stringify(v.freshness),
): string {
  const stale = v.stale === undefined ? '' : `,"stale":${JSON.stringify(v.stale)}`;
  const warnings = v.warnings.length === 0 ? '[]' : JSON.stringify(v.warnings);
  const params = v.paramsVersion === null ? 'null' : num(v.paramsVersion);
  return `{"accountId":${str(v.accountId)},"computedAt":${num(v.computedAt)},"asOf":${num(v.asOf)},"inputHash":${str(v.inputHash)},"paramsVersion":${params},"status":${str(v.status)}${stale},"summary":${summary},"freshness":${freshness},"warnings":${warnings},"requestedAt":${num(v.requestedAt)}}`;
}

/** JSON.stringify(event); `summary` may pass the summary's JSON already made. */
export function marginEventJson(e: MarginEvent, summary = summaryJson(e.summary)): string {
  if (e.type !== 'margin' || e.crossing !== undefined) return JSON.stringify(e);
  const previous = e.previous === undefined ? '' : `,"previous":${summaryJson(e.previous)}`;
  const requested = e.requestedAt === undefined ? '' : `,"requestedAt":${num(e.requestedAt)}`;
  return `{"type":"margin","accountId":${str(e.accountId)},"computedAt":${num(e.computedAt)},"summary":${summary}${previous}${requested}}`;
}
