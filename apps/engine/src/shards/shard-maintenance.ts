import type { SnapshotsRepository } from '@xmargin/store';
import { type ConsistencyMismatch, checkConsistency } from '../margin/consistency-check.js';
import type { MarginCache } from '../margin/margin-cache.js';
import type { ShardOwner, ShardOwnerStore } from './shard-owner.js';

export interface ShardMaintenanceParameters {
  readonly owner: Pick<ShardOwner, 'residentIds' | 'reload' | 'leases'>;
  readonly store: ShardOwnerStore & { readonly snapshots: Pick<SnapshotsRepository, 'pruneBefore'> };
  readonly cache: Pick<MarginCache, 'getViews'>;
  readonly consistencyEveryMs: number;
  readonly consistencySample: number;
  readonly retentionDays: number;
  readonly pruneEveryMs: number;
  readonly now: () => number;
  readonly onError: (err: unknown, where: string) => void;
  readonly onMismatch: (mismatches: readonly ConsistencyMismatch[]) => void;
}

export interface ShardMaintenance {
  /** One consistency round over a random sample of this process's resident accounts. */
  checkSample(): Promise<readonly ConsistencyMismatch[]>;
  /** One retention round (only the owner of shard 0 prunes, so one process does it). */
  prune(): Promise<number>;
  stop(): void;
}

/**
 * The worker's periodic jobs besides events: the consistency check (a random sample of cached margins
 * against a from-scratch computeMargin of the ledger; a mismatch is reported and the account reloaded
 * and republished) and history retention.
 */
export function startShardMaintenance(p: ShardMaintenanceParameters): ShardMaintenance {
  const timers: NodeJS.Timeout[] = [];
  const m: ShardMaintenance = {
    async checkSample() {
      const ids = p.owner.residentIds();
      const sample: string[] = [];
      // Partial Fisher-Yates: a uniform sample without copying more than needed.
      for (let i = 0; i < Math.min(p.consistencySample, ids.length); i++) {
        const j = i + Math.floor(Math.random() * (ids.length - i));
        [ids[i], ids[j]] = [ids[j]!, ids[i]!];
        sample.push(ids[i]!);
      }
      const mismatches = await checkConsistency({ store: p.store, cache: p.cache }, sample);
      if (mismatches.length > 0) {
        p.onMismatch(mismatches);
        await p.owner.reload(mismatches.map((x) => x.accountId));
      }
      return mismatches;
    },
    async prune() {
      if (!p.owner.leases.holds(0)) return 0;
      const before = new Date(p.now() - p.retentionDays * 86_400_000);
      let total = 0;
      for (;;) {
        const n = await p.store.snapshots.pruneBefore(before, 5_000);
        total += n;
        if (n < 5_000) return total;
      }
    },
    stop() {
      for (const t of timers) clearInterval(t);
    },
  };
  if (p.consistencyEveryMs > 0)
    timers.push(
      setInterval(
        () => void m.checkSample().catch((err: unknown) => p.onError(err, 'consistency')),
        p.consistencyEveryMs,
      ),
    );
  timers.push(
    setInterval(() => void m.prune().catch((err: unknown) => p.onError(err, 'prune')), p.pruneEveryMs),
  );
  for (const t of timers) t.unref();
  return m;
}
