import { QueryResponse } from '@wormhole-foundation/wormhole-query-sdk';
import { backoffDelay } from '@xmargin/client';
import { base58Encode } from '@xmargin/core';
import { createPublicClient, http, type PublicClient } from 'viem';
import { errorCodeOf, type OnRelayerEvent } from '../events.js';
import type { GuardianClient, SignedQueryResponse } from '../guardian/guardian-client.js';
import type { RelayerMetrics } from '../ops/metrics.js';
import type { PostOutcome } from '../post/classify-post-result.js';
import { buildEvmBalanceRequest, buildSplAccountRequest } from './build-query-request.js';
import { type EvmBalanceTarget, type QueryTarget, queryTargetKey } from './query-target.js';

export interface QueryPost {
  readonly bytes: string;
  readonly signatures: string[];
  readonly accountId: string;
  readonly chain: string;
  readonly token: string;
  readonly holder: string;
  /** Solana: the wallet owning the token account (what the engine checks is linked). */
  readonly owner?: string;
}

export interface QuerySchedulerDeps {
  readonly guardian: GuardianClient;
  readonly post: (body: QueryPost, signal: AbortSignal) => Promise<PostOutcome>;
  readonly metrics: RelayerMetrics;
  readonly now: () => number;
  readonly onEvent: OnRelayerEvent;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export interface QueryTargetStatus {
  readonly key: string;
  readonly kind: QueryTarget['kind'];
  /** Unix ms of the next request. */
  readonly dueAt: number;
  /** Unix seconds of the block/slot of the last result the engine took, or null. */
  readonly lastBlockTime: number | null;
  readonly lastError: string | null;
}

export interface QueryScheduler {
  status(): QueryTargetStatus[];
  /** Requests and posts every target whose previous attestation is about to expire. */
  round(signal: AbortSignal): Promise<void>;
  /**
   * Makes the matching targets due now (the engine asked for a re-attestation: its expiry may come
   * before this relayer's own schedule). Returns how many targets were brought forward.
   */
  expedite(match: (target: QueryTarget) => boolean): number;
}

interface Slot {
  readonly target: QueryTarget;
  readonly key: string;
  dueAt: number;
  attempts: number;
  lastBlockTime: number | null;
  lastError: string | null;
}

interface ResponseFacts {
  /** Block (EVM) or slot (Solana) time, unix seconds. */
  readonly blockTime: number;
  /** Solana: owner field of the SPL account layout (bytes 32..64), base58. */
  readonly splOwner: string | undefined;
}

/** What the relayer needs from the signed response (the engine verifies all of it again). */
function responseFacts(signed: SignedQueryResponse): ResponseFacts {
  const perChain = QueryResponse.from(signed.bytes).responses[0]?.response as
    | { blockTime?: bigint; results?: readonly unknown[] }
    | undefined;
  // Query responses carry block time in microseconds.
  const blockTime = perChain?.blockTime === undefined ? 0 : Number(perChain.blockTime / 1_000_000n);
  const first = perChain?.results?.[0] as { data?: Uint8Array } | undefined;
  const splOwner =
    first?.data instanceof Uint8Array && first.data.length >= 64
      ? base58Encode(first.data.subarray(32, 64))
      : undefined;
  return { blockTime, splOwner };
}

/**
 * Keeps registered un-escrowed balances attested: each target is re-queried `refreshBeforeExpirySeconds`
 * before its last result (timed by the queried block) stops counting, and the signed response is posted
 * to the engine. Failures back off per target.
 */
export function createQueryScheduler(
  targets: readonly QueryTarget[],
  deps: QuerySchedulerDeps,
): QueryScheduler {
  const slots: Slot[] = targets.map((target) => ({
    target,
    key: queryTargetKey(target),
    dueAt: 0,
    attempts: 0,
    lastBlockTime: null,
    lastError: null,
  }));
  const rpcClients = new Map<string, PublicClient>();
  const rpc = (t: EvmBalanceTarget): PublicClient => {
    let client = rpcClients.get(t.rpcUrl);
    if (!client) {
      client = createPublicClient({
        transport: http(t.rpcUrl, { retryCount: 1, timeout: 10_000 }),
      }) as PublicClient;
      rpcClients.set(t.rpcUrl, client);
    }
    return client;
  };

  async function finalizedBlock(t: EvmBalanceTarget): Promise<bigint> {
    const client = rpc(t);
    try {
      return (await client.getBlock({ blockTag: 'finalized' })).number;
    } catch {
      // Nodes without the `finalized` tag: the guardians still wait for finality of the pinned block.
      return client.getBlockNumber();
    }
  }

  async function requestAndPost(slot: Slot, signal: AbortSignal): Promise<void> {
    const { target } = slot;
    const request =
      target.kind === 'evm-balance'
        ? buildEvmBalanceRequest(target, await finalizedBlock(target))
        : buildSplAccountRequest(target);
    const signed = await deps.guardian.query(request.serialize(), signal);
    deps.metrics.queryRequests.inc({ kind: target.kind, result: 'signed' });
    const { blockTime, splOwner } = responseFacts(signed);
    const owner = target.kind === 'spl-account' ? (target.owner ?? splOwner) : undefined;
    const result = await deps.post(
      {
        bytes: `0x${signed.bytes}`,
        signatures: signed.signatures.map((s) => `0x${s}`),
        accountId: target.accountId,
        chain: target.chain,
        token: target.kind === 'evm-balance' ? target.token.toLowerCase() : target.mint,
        holder: target.kind === 'evm-balance' ? target.holder.toLowerCase() : target.tokenAccount,
        ...(owner === undefined ? {} : { owner }),
      },
      signal,
    );
    deps.metrics.posts.inc({ kind: 'query', outcome: result.outcome });
    if (result.outcome === 'retry') throw result.error;
    const code = result.outcome === 'rejected' ? errorCodeOf(result.error) : undefined;
    if (code) deps.metrics.postErrors.inc({ kind: 'query', code });
    deps.onEvent({
      type: 'query-posted',
      target: slot.key,
      outcome: result.outcome,
      blockTime,
      ...(code ? { code } : {}),
    });
    if (result.outcome === 'rejected') {
      // The engine judged this result invalid (e.g. holder not linked): try again later, slowly.
      slot.attempts++;
      slot.dueAt = deps.now() + deps.retryMaxMs;
      slot.lastError = code ?? null;
      return;
    }
    slot.attempts = 0;
    slot.lastError = null;
    slot.lastBlockTime = blockTime;
    const refreshAt = (blockTime + target.validitySeconds - target.refreshBeforeExpirySeconds) * 1000;
    // Never busy-loop when the refresh margin is as long as the validity.
    slot.dueAt = Math.max(refreshAt, deps.now() + deps.retryBaseMs);
  }

  return {
    status: () =>
      slots.map((s) => ({
        key: s.key,
        kind: s.target.kind,
        dueAt: s.dueAt,
        lastBlockTime: s.lastBlockTime,
        lastError: s.lastError,
      })),
    expedite(match) {
      let n = 0;
      const t = deps.now();
      for (const slot of slots) {
        if (!match(slot.target) || slot.dueAt <= t) continue;
        slot.dueAt = t;
        n++;
      }
      return n;
    },
    async round(signal) {
      for (const slot of slots) {
        if (slot.dueAt > deps.now()) continue;
        try {
          await requestAndPost(slot, signal);
        } catch (err) {
          if (signal.aborted) throw err;
          slot.attempts++;
          slot.dueAt =
            deps.now() +
            backoffDelay(slot.attempts, { baseMs: deps.retryBaseMs, maxMs: deps.retryMaxMs }) +
            deps.retryBaseMs;
          const code = errorCodeOf(err);
          slot.lastError = code;
          deps.metrics.queryRequests.inc({ kind: slot.target.kind, result: 'error' });
          const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
          deps.onEvent({ type: 'error', source: `query ${slot.key}`, code, message });
        }
      }
    },
  };
}
