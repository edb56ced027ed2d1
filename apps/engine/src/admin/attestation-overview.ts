import type { AttestationRecord } from '@xmargin/store';
import type { BookRow } from './book-rows.js';

/** Age bins of the freshness histogram (seconds): the last one is open. */
export const AGE_EDGES: readonly number[] = [0, 60, 300, 900, 1_800, 3_600, 7_200, 21_600, 86_400];

export interface AttestationOverviewParameters {
  readonly rows: readonly BookRow[];
  readonly recent: readonly AttestationRecord[];
  /** Wormhole chain id -> chain name (from the emitter allow-list). */
  readonly chainOf: (emitterChain: number | null, kind: string) => string | null;
  readonly rejections: readonly { code: string; count: number }[];
  readonly nowMs: number;
  readonly staleAfterSeconds: number | null;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Per-chain freshness of the book, relay lag of the recent attestations, rejections by code. */
export function attestationOverview(p: AttestationOverviewParameters) {
  const now = Math.floor(p.nowMs / 1000);
  const ages = new Map<string, number[]>();
  for (const r of p.rows) {
    for (const f of r.freshness) {
      const list = ages.get(f.chain) ?? [];
      list.push(Math.max(0, now - f.oldestObservedAt));
      ages.set(f.chain, list);
    }
  }
  const freshness = [...ages.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([chain, list]) => {
      const counts = new Array<number>(AGE_EDGES.length).fill(0);
      for (const age of list) {
        let i = AGE_EDGES.length - 1;
        while (i > 0 && age < (AGE_EDGES[i] ?? 0)) i--;
        counts[i] = (counts[i] ?? 0) + 1;
      }
      const oldestAgeSeconds = Math.max(...list);
      return {
        chain,
        edges: [...AGE_EDGES],
        counts,
        oldestAgeSeconds,
        stale: p.staleAfterSeconds !== null && oldestAgeSeconds > p.staleAfterSeconds,
      };
    });
  const lags = new Map<string, number[]>();
  const recent = p.recent.map((a) => {
    // Queries responses carry the chain they attest in their stored body; VAAs name their emitter chain.
    const bodyChain = (a.body as { chain?: unknown } | null)?.chain;
    const chain = typeof bodyChain === 'string' ? bodyChain : p.chainOf(a.emitterChain, a.kind);
    const appliedAt = Math.floor(a.appliedAt.getTime() / 1000);
    if (a.observedAt !== null) {
      const key = chain ?? a.kind;
      const list = lags.get(key) ?? [];
      list.push(Math.max(0, appliedAt - a.observedAt));
      lags.set(key, list);
    }
    return {
      replayKey: a.replayKey,
      kind: a.kind,
      chain,
      emitterChain: a.emitterChain,
      sequence: a.sequence === null ? null : a.sequence.toString(),
      account: a.account,
      observedAt: a.observedAt,
      appliedAt,
    };
  });
  const lag = [...lags.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([chain, list]) => {
      const sorted = [...list].sort((x, y) => x - y);
      return {
        chain,
        count: sorted.length,
        p50Seconds: percentile(sorted, 0.5),
        maxSeconds: sorted.at(-1) ?? 0,
      };
    });
  return {
    at: p.nowMs,
    freshness,
    lag,
    recent,
    rejections: [...p.rejections].sort((a, b) => b.count - a.count),
    staleAfterSeconds: p.staleAfterSeconds,
  };
}
