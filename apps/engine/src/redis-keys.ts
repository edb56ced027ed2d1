/**
 * The engine's whole Redis key space, in one place. Every key starts with the deployment's prefix (the
 * BullMQ prefix too), so one Redis can hold several deployments and a test deletes its own keys by
 * prefix. Nothing else in the engine builds a key by hand.
 */
export interface RedisKeys {
  readonly prefix: string;
  /**
   * GET margin's view of an account, written by the shard's owner in two parts (JSON, a few hundred
   * bytes each): the ledger part (inputs, parameters version, status, freshness) and the mark part
   * (summary, computed and valuation times), the only one a market move rewrites.
   */
  marginViewLedger(accountId: string): string;
  marginViewMark(accountId: string): string;
  /**
   * Log (bounded stream) of margin and threshold events, replayed to SSE streams from `Last-Event-ID`;
   * its threshold events are mirrored in `marginAlerts` for the webhook dispatcher.
   */
  readonly marginEvents: string;
  /**
   * The threshold events of `marginEvents` again (bounded stream), each with its id in that log: what
   * the webhook dispatcher consumes, so it does not read every margin update of a market move.
   */
  readonly marginAlerts: string;
  /** Log (bounded stream) of auction events, like marginEvents. */
  readonly liquidationEvents: string;
  /** Counter bumped after a market-data or parameter commit (per-process caches revalidate on it). */
  readonly globalInputsVersion: string;
  /** Owner of one shard (value: worker id, with an expiry: the lease). */
  shardLease(shard: number): string;
  /** Stream of one shard's events (account changed, market, params). */
  shardEvents(shard: number): string;
  /** Live worker processes (sorted set: worker id -> last heartbeat, unix ms). */
  readonly workers: string;
  /** Accounts whose margin cannot be computed (hash: account id -> {code, message, since}). */
  readonly uncomputable: string;
  /** Near-liquidation priority (sorted set: account id -> priority, lower = closer to liquidation). */
  readonly nearLiquidation: string;
  /**
   * Set by a worker once it has published (expires after a day without publishing): gone while the
   * worker still runs means Redis lost its data, and the worker rewrites all its views in full.
   */
  viewsEpoch(workerId: string): string;
  /** Lock of one network's indexing round (one indexer at a time). */
  indexLock(chain: string): string;
  /** Attested balances about to expire, read by relayers. */
  readonly reverifyRequests: string;
  /** Guardian trust store, registry and their version counter. */
  readonly attestationTrustStore: string;
  readonly attestationRegistry: string;
  readonly attestationConfigVersion: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    prefix,
    marginViewLedger: (a) => `${prefix}:margin-view-ledger:${a}`,
    marginViewMark: (a) => `${prefix}:margin-view-mark:${a}`,
    marginEvents: `${prefix}:margin-event-log`,
    marginAlerts: `${prefix}:margin-alert-log`,
    liquidationEvents: `${prefix}:liquidation-event-log`,
    globalInputsVersion: `${prefix}:global-inputs-version`,
    shardLease: (s) => `${prefix}:shard:${s}:lease`,
    shardEvents: (s) => `${prefix}:shard:${s}:events`,
    workers: `${prefix}:workers`,
    uncomputable: `${prefix}:margin-uncomputable`,
    nearLiquidation: `${prefix}:near-liquidation`,
    viewsEpoch: (w) => `${prefix}:views-epoch:${w}`,
    indexLock: (chain) => `${prefix}:index-lock:${chain}`,
    reverifyRequests: `${prefix}:reverify-requests`,
    attestationTrustStore: `${prefix}:attestation-config:trust-store`,
    attestationRegistry: `${prefix}:attestation-config:registry`,
    attestationConfigVersion: `${prefix}:attestation-config:version`,
  };
}
