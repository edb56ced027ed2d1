import { deserializeVaa } from '@xmargin/attestation';
import { backoffDelay } from '@xmargin/client';
import { AppError } from '@xmargin/errors';
import type { CursorStore } from '../cursor/cursor-store.js';
import { errorCodeOf, type OnRelayerEvent } from '../events.js';
import type { GuardianClient } from '../guardian/guardian-client.js';
import type { RelayerMetrics } from '../ops/metrics.js';
import type { PostOutcome } from '../post/classify-post-result.js';

export interface EmitterConfig {
  /** Wormhole chain id of the emitter. */
  readonly chain: number;
  /** The vault address: 20-byte EVM or 32-byte universal hex (with or without 0x). */
  readonly emitter: string;
  /** First sequence to deliver when no cursor is stored (default 0). */
  readonly startSequence?: bigint;
}

export interface EmitterWatcherSettings {
  /** Most sequences fetched per emitter per round, so one busy emitter cannot starve the others. */
  readonly maxPerRound: number;
  /** How many sequences past a missing one are probed to tell "not signed yet" from a gap. */
  readonly gapProbeWindow: number;
  /** Minimum time between two probes of the same missing head sequence. */
  readonly gapProbeEveryMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export interface EmitterWatcherDeps {
  readonly guardian: GuardianClient;
  readonly post: (vaa: Uint8Array, signal: AbortSignal) => Promise<PostOutcome>;
  readonly cursorStore: CursorStore;
  readonly metrics: RelayerMetrics;
  readonly settings: EmitterWatcherSettings;
  readonly now: () => number;
  readonly onEvent: OnRelayerEvent;
}

export interface EmitterStatus {
  readonly chain: number;
  readonly emitter: string;
  /** Persisted cursor: every sequence below it was delivered. */
  readonly next: string;
  /** One past the highest sequence delivered or skipped as a gap. */
  readonly high: string;
  readonly gaps: readonly string[];
  /** The latest VAAs the engine rejected for good (newest last), for operators to look at. */
  readonly rejected: readonly { readonly sequence: string; readonly code: string }[];
  readonly lastError: string | null;
}

const MAX_REJECTED_KEPT = 50;

interface Gap {
  attempts: number;
  retryAt: number;
}

export interface EmitterWatcher {
  readonly key: string;
  status(): EmitterStatus;
  /** One pass: back-fill due gaps, then walk forward from the head. Never throws but on abort. */
  round(signal: AbortSignal): Promise<void>;
}

/** Cursor key of an emitter: `<chain>/<32-byte hex>`. */
export function emitterKey(chain: number, emitter: string): string {
  return `${chain}/${emitter.replace(/^0x/, '').toLowerCase().padStart(64, '0')}`;
}

/**
 * Follows one emitter's VAAs through the guardian API by sequence. The guardians answer 404 both for
 * "not signed yet" and for a sequence they missed; a later sequence that exists tells the two apart.
 * Missing sequences behind a signed one are recorded as gaps, the later ones are delivered at once
 * (margin freshness does not wait), and the gaps are retried with backoff until the guardians sign them.
 */
export function createEmitterWatcher(config: EmitterConfig, deps: EmitterWatcherDeps): EmitterWatcher {
  const key = emitterKey(config.chain, config.emitter);
  const emitterHex = `0x${key.split('/')[1]}`;
  const labels = { chain: String(config.chain), emitter: emitterHex };
  const { settings, metrics } = deps;
  const gaps = new Map<bigint, Gap>();
  const rejected: { sequence: string; code: string }[] = [];
  let loaded = false;
  let next = 0n;
  let high = 0n;
  let lastProbeAt = Number.NEGATIVE_INFINITY;
  let blockedUntil = 0;
  let failures = 0;
  let lastError: string | null = null;

  const backoff = (attempts: number) =>
    backoffDelay(attempts, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs }) +
    settings.retryBaseMs;

  async function fetchVaa(sequence: bigint, signal: AbortSignal): Promise<Uint8Array | null> {
    let vaa: Uint8Array | null;
    try {
      vaa = await deps.guardian.getSignedVaa(config.chain, emitterHex, sequence, signal);
    } catch (err) {
      metrics.guardianRequests.inc({ op: 'signed_vaa', result: 'error' });
      throw err;
    }
    metrics.guardianRequests.inc({ op: 'signed_vaa', result: vaa ? 'found' : 'missing' });
    if (!vaa) return null;
    // A guardian endpoint answering with another message would make the cursor skip a real one.
    const parsed = deserializeVaa(vaa);
    if (
      parsed.emitterChain !== config.chain ||
      parsed.emitterAddress !== emitterHex ||
      parsed.sequence !== sequence
    ) {
      throw new AppError('RELAYER__GUARDIAN_RESPONSE_INVALID', {
        context: {
          url: deps.guardian.url,
          reason: `asked for ${key}/${sequence}, got ${parsed.emitterChain}/${parsed.emitterAddress}/${parsed.sequence}`,
        },
      });
    }
    return vaa;
  }

  /** Posts one VAA; true when delivered (accepted, duplicate or permanently rejected). */
  async function deliver(sequence: bigint, vaa: Uint8Array, signal: AbortSignal): Promise<boolean> {
    const result = await deps.post(vaa, signal);
    metrics.posts.inc({ kind: 'vaa', outcome: result.outcome });
    if (result.outcome === 'retry') {
      metrics.postErrors.inc({ kind: 'vaa', code: errorCodeOf(result.error) });
      throw result.error;
    }
    if (result.outcome === 'rejected') {
      const code = errorCodeOf(result.error);
      metrics.postErrors.inc({ kind: 'vaa', code });
      rejected.push({ sequence: sequence.toString(), code });
      if (rejected.length > MAX_REJECTED_KEPT) rejected.shift();
      deps.onEvent({
        type: 'vaa-posted',
        chain: config.chain,
        emitter: emitterHex,
        sequence,
        outcome: 'rejected',
        code,
      });
    } else {
      deps.onEvent({
        type: 'vaa-posted',
        chain: config.chain,
        emitter: emitterHex,
        sequence,
        outcome: result.outcome,
      });
    }
    return true;
  }

  async function backfill(signal: AbortSignal): Promise<void> {
    const due = [...gaps.entries()]
      .filter(([, g]) => g.retryAt <= deps.now())
      .sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [sequence, gap] of due) {
      const vaa = await fetchVaa(sequence, signal);
      if (!vaa) {
        gap.attempts++;
        gap.retryAt = deps.now() + backoff(gap.attempts);
        continue;
      }
      await deliver(sequence, vaa, signal);
      gaps.delete(sequence);
      metrics.gapsFilled.inc({ chain: labels.chain });
      deps.onEvent({ type: 'gap-filled', chain: config.chain, emitter: emitterHex, sequence });
    }
  }

  /** Looks past a missing head sequence; returns the first signed one within the window, if any. */
  async function probe(
    missing: bigint,
    signal: AbortSignal,
  ): Promise<{ sequence: bigint; vaa: Uint8Array } | null> {
    if (settings.gapProbeWindow <= 0 || deps.now() - lastProbeAt < settings.gapProbeEveryMs) return null;
    lastProbeAt = deps.now();
    for (let k = 1n; k <= BigInt(settings.gapProbeWindow); k++) {
      const vaa = await fetchVaa(missing + k, signal);
      if (vaa) return { sequence: missing + k, vaa };
    }
    return null;
  }

  async function walkForward(signal: AbortSignal): Promise<void> {
    for (let fetched = 0; fetched < settings.maxPerRound; fetched++) {
      let sequence = high;
      let vaa = await fetchVaa(sequence, signal);
      if (!vaa) {
        const later = await probe(sequence, signal);
        if (!later) return;
        const missing: bigint[] = [];
        for (let s = sequence; s < later.sequence; s++) {
          gaps.set(s, { attempts: 0, retryAt: deps.now() + settings.retryBaseMs });
          missing.push(s);
        }
        metrics.gapsDetected.inc({ chain: labels.chain }, missing.length);
        deps.onEvent({ type: 'gap-detected', chain: config.chain, emitter: emitterHex, sequences: missing });
        sequence = later.sequence;
        vaa = later.vaa;
      }
      await deliver(sequence, vaa, signal);
      high = sequence + 1n;
    }
  }

  async function persistCursor(): Promise<void> {
    let lowest = high;
    for (const s of gaps.keys()) if (s < lowest) lowest = s;
    if (lowest !== next) {
      await deps.cursorStore.save(key, lowest);
      next = lowest;
    }
    metrics.nextSequence.set(labels, Number(next));
    metrics.openGaps.set(labels, gaps.size);
  }

  return {
    key,
    status: () => ({
      chain: config.chain,
      emitter: emitterHex,
      next: next.toString(),
      high: high.toString(),
      gaps: [...gaps.keys()].sort((a, b) => (a < b ? -1 : 1)).map(String),
      rejected: [...rejected],
      lastError,
    }),
    async round(signal) {
      if (deps.now() < blockedUntil) return;
      try {
        if (!loaded) {
          next = (await deps.cursorStore.load(key)) ?? config.startSequence ?? 0n;
          high = next;
          loaded = true;
        }
        await backfill(signal);
        await walkForward(signal);
        failures = 0;
        lastError = null;
      } catch (err) {
        if (signal.aborted) throw err;
        // Guardian or engine unavailable: this emitter waits, the others carry on.
        failures++;
        blockedUntil = deps.now() + backoff(failures);
        lastError = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        deps.onEvent({ type: 'error', source: `vaa ${key}`, code: errorCodeOf(err), message: lastError });
      } finally {
        if (loaded) {
          await persistCursor().catch((err: unknown) => {
            const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
            deps.onEvent({ type: 'error', source: `cursor ${key}`, code: errorCodeOf(err), message });
          });
        }
      }
    },
  };
}
