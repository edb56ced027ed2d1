import type { XmarginClient } from '@xmargin/client';
import { abortableSleep } from '@xmargin/client';
import { type OpsServer, startOpsServer } from '@xmargin/ops';
import { type CursorStore, createMemoryCursorStore } from './cursor/cursor-store.js';
import { errorCodeOf, type OnRelayerEvent } from './events.js';
import { createGuardianClient, type GuardianClient } from './guardian/guardian-client.js';
import { createGuardianPool } from './guardian/guardian-pool.js';
import { createRelayerMetrics, type RelayerMetrics } from './ops/metrics.js';
import { postAndClassify } from './post/classify-post-result.js';
import { createPythForwarder, type PythForwarder, type PythSource } from './pyth/pyth-forwarder.js';
import { createQueryScheduler, type QueryTargetStatus } from './query/query-scheduler.js';
import type { QueryTarget } from './query/query-target.js';
import {
  createEmitterWatcher,
  type EmitterConfig,
  type EmitterStatus,
  type EmitterWatcherSettings,
} from './vaa/emitter-watcher.js';

export interface RelayerConfig {
  /** Engine client with a relayer API key (see `createXmarginClient`). */
  readonly engine: XmarginClient;
  /** Guardian public API base URL(s), tried in turn (see `createGuardianPool`), or a ready client. */
  readonly guardian: string | readonly string[] | GuardianClient;
  /** Vault emitters whose VAAs are delivered. */
  readonly emitters: readonly EmitterConfig[];
  /** Un-escrowed balances kept attested through Wormhole Queries. */
  readonly queries?: readonly QueryTarget[];
  /** Pyth price updates to forward, polled at most every `intervalMs` (default: every round). */
  readonly pyth?: { readonly source: PythSource; readonly intervalMs?: number };
  /** Pause between rounds (default 1 s). */
  readonly pollIntervalMs?: number;
  /** Where per-emitter cursors live (default: in memory). */
  readonly cursorStore?: CursorStore;
  readonly vaa?: Partial<EmitterWatcherSettings>;
  /** Retry pacing of failed targets (defaults 250 ms and 30 s). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Serve `/metrics` and `/healthz` on this address (port 0 = any free one); off when absent. */
  readonly ops?: { readonly host?: string; readonly port: number };
  /** Unhealthy when no round finished for this long (default 10 x pollIntervalMs, at least 30 s). */
  readonly staleAfterMs?: number;
  readonly onEvent?: OnRelayerEvent;
  readonly now?: () => number;
}

export interface RelayerStatus {
  readonly running: boolean;
  readonly rounds: number;
  /** Unix ms the last round finished, or null. */
  readonly lastRoundAt: number | null;
  readonly emitters: readonly EmitterStatus[];
  readonly queries: readonly QueryTargetStatus[];
  readonly pyth: ReturnType<PythForwarder['status']> | null;
}

export interface Relayer {
  readonly metrics: RelayerMetrics;
  /** Base URL of the ops server once started (with `ops` configured). */
  readonly opsUrl: string | undefined;
  /** Starts the polling loop (and the ops server). */
  start(): Promise<void>;
  /** Runs one round now (tests and one-shot runs). */
  runOnce(): Promise<void>;
  status(): RelayerStatus;
  /** Graceful stop: aborts in-flight requests, waits for the round to unwind, closes the ops server. */
  stop(): Promise<void>;
}

/**
 * The reference relayer: delivers vault VAAs from the guardian API (one cursor per emitter, gaps
 * detected and back-filled), keeps un-escrowed balances attested with Wormhole Queries ahead of their
 * expiry, forwards Pyth updates, and posts everything to the engine, whose replay protection makes each
 * post idempotent.
 */
export function createRelayer(config: RelayerConfig): Relayer {
  const now = config.now ?? Date.now;
  const onEvent = config.onEvent ?? (() => undefined);
  const metrics = createRelayerMetrics();
  const pollIntervalMs = config.pollIntervalMs ?? 1_000;
  const retryBaseMs = config.retryBaseMs ?? 250;
  const retryMaxMs = config.retryMaxMs ?? 30_000;
  const staleAfterMs = config.staleAfterMs ?? Math.max(30_000, 10 * pollIntervalMs);
  const guardian =
    typeof config.guardian === 'string' || Array.isArray(config.guardian)
      ? createGuardianPool(
          (typeof config.guardian === 'string' ? [config.guardian] : config.guardian).map((url) =>
            createGuardianClient({ url, onRetry: () => metrics.httpRetries.inc({ target: 'guardian' }) }),
          ),
        )
      : (config.guardian as GuardianClient);
  const cursorStore = config.cursorStore ?? createMemoryCursorStore();
  const { engine } = config;

  const watchers = config.emitters.map((emitter) =>
    createEmitterWatcher(emitter, {
      guardian,
      cursorStore,
      metrics,
      now,
      onEvent,
      settings: {
        maxPerRound: config.vaa?.maxPerRound ?? 100,
        gapProbeWindow: config.vaa?.gapProbeWindow ?? 8,
        gapProbeEveryMs: config.vaa?.gapProbeEveryMs ?? 10_000,
        retryBaseMs: config.vaa?.retryBaseMs ?? retryBaseMs,
        retryMaxMs: config.vaa?.retryMaxMs ?? retryMaxMs,
      },
      post: (vaa, signal) =>
        postAndClassify(() =>
          engine.attestations.postVaa({ vaa: `0x${Buffer.from(vaa).toString('hex')}` }, { signal }),
        ),
    }),
  );
  const queries = createQueryScheduler(config.queries ?? [], {
    guardian,
    metrics,
    now,
    onEvent,
    retryBaseMs,
    retryMaxMs,
    post: (body, signal) => postAndClassify(() => engine.attestations.postQuery(body, { signal })),
  });
  const pyth = config.pyth
    ? createPythForwarder({
        source: config.pyth.source,
        metrics,
        onEvent,
        now,
        intervalMs: config.pyth.intervalMs ?? 0,
        post: (update, signal) => postAndClassify(() => engine.attestations.postPyth({ update }, { signal })),
      })
    : null;

  // The engine's re-attestation feed (`reverify-expiring`), read from the relayer's start: the job
  // publishes every expiring balance again on each run, so nothing older is needed.
  let reverifyCursor: string | null = `${now()}-0`;
  async function pollReverify(signal: AbortSignal): Promise<void> {
    if ((config.queries ?? []).length === 0) return;
    try {
      const page = await engine.attestations.reverifyRequests(
        { after: reverifyCursor, limit: 1_000 },
        { signal },
      );
      reverifyCursor = page.next ?? reverifyCursor;
      let expedited = 0;
      for (const r of page.requests) {
        // Only Queries-proven balances can be re-attested by a relayer (a VAA balance needs the vault
        // to publish again).
        if (r.source !== 'query') continue;
        expedited += queries.expedite((t) => t.accountId === r.accountId && t.chain === r.chain);
      }
      if (page.requests.length > 0)
        onEvent({ type: 'reverify-requested', requests: page.requests.length, expedited });
    } catch (err) {
      if (signal.aborted) throw err;
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      onEvent({ type: 'error', source: 'reverify-requests', code: errorCodeOf(err), message });
    }
  }

  let controller = new AbortController();
  let running = false;
  let loop: Promise<void> | undefined;
  let ops: OpsServer | undefined;
  let rounds = 0;
  let lastRoundAt: number | null = null;
  let current: Promise<void> = Promise.resolve();

  async function round(signal: AbortSignal): Promise<void> {
    const end = metrics.rounds.startTimer();
    // Emitters are independent: a slow or failing one must not hold up the others.
    await Promise.all(watchers.map((w) => w.round(signal)));
    await pollReverify(signal);
    await queries.round(signal);
    await pyth?.round(signal);
    end();
    rounds++;
    lastRoundAt = now();
    metrics.lastRound.set(lastRoundAt / 1000);
  }

  function runRound(signal: AbortSignal): Promise<void> {
    // Rounds never overlap, whether started by the loop or by runOnce().
    const next = current.then(() => round(signal));
    current = next.catch(() => undefined);
    return next;
  }

  const status = (): RelayerStatus => ({
    running,
    rounds,
    lastRoundAt,
    emitters: watchers.map((w) => w.status()),
    queries: queries.status(),
    pyth: pyth?.status() ?? null,
  });

  return {
    metrics,
    get opsUrl() {
      return ops?.url;
    },
    async start() {
      if (running) return;
      running = true;
      controller = new AbortController();
      if (config.ops && !ops) {
        ops = await startOpsServer({
          host: config.ops.host ?? '127.0.0.1',
          port: config.ops.port,
          registry: metrics.registry,
          health: () => {
            const s = status();
            const fresh = s.lastRoundAt !== null && now() - s.lastRoundAt <= staleAfterMs;
            return {
              healthy: s.running && (fresh || s.rounds === 0),
              body: { status: s.rounds === 0 ? 'starting' : fresh ? 'ok' : 'stale', ...s },
            };
          },
        });
      }
      const signal = controller.signal;
      loop = (async () => {
        while (!signal.aborted) {
          await runRound(signal).catch(() => undefined);
          await abortableSleep(pollIntervalMs, signal).catch(() => undefined);
        }
      })();
    },
    runOnce: () => runRound(controller.signal),
    status,
    async stop() {
      running = false;
      controller.abort(new Error('relayer stopping'));
      await loop;
      await current;
      loop = undefined;
      await ops?.close();
      ops = undefined;
    },
  };
}
