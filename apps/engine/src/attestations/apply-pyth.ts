import { createDigestCache, verifyPythUpdate } from '@xmargin/attestation';
import { AppError, isAppError } from '@xmargin/errors';
import type { Market } from '@xmargin/risk';
import type { EngineContext } from '../context.js';
import { attestationBytes } from './bytes.js';
import { type AttestationOutcome, duplicate } from './outcome.js';
import { requireTrustStore } from './trust.js';

const digestCache = createDigestCache(1_000);

/** Pyth's integer price with its exponent, as a float (the risk engine works in floats). */
const scaled = (value: bigint, expo: number) => Number(value) * 10 ** expo;

/**
 * Applies a Pyth accumulator update: verified (guardian quorum over the Merkle root, every proof, each
 * message parsed exactly), then each price of a registered feed becomes the spot of its market (or the
 * price of a collateral asset), with confidence 1 - conf/price; markets move and fan out. The replay
 * key and the price writes commit in one transaction.
 */
export async function applyPyth(ctx: EngineContext, input: string): Promise<AttestationOutcome> {
  const receivedAt = ctx.now();
  const now = Math.floor(receivedAt / 1000);
  const registry = await ctx.registry.registry();
  const emitter = registry.emitters.find((e) => e.kind === 'pyth');
  const verified = verifyPythUpdate({
    update: attestationBytes(input, 'pyth update'),
    trustStore: await requireTrustStore(ctx),
    now,
    digestCache,
    ...(emitter ? { emitter: { chain: emitter.emitterChain, address: emitter.emitterAddress } } : {}),
    maxAgeSeconds: ctx.settings.attestationMaxAge.pyth,
  });
  const replayKey = verified.vaa.replayKey;
  if (await ctx.store.attestations.has(replayKey)) return duplicate('pyth', replayKey);
  const feeds = new Map(registry.pythFeeds.map((f) => [f.feedId.toLowerCase(), f.symbol]));
  const updates = verified.prices
    .map((p) => ({ symbol: feeds.get(p.feedId.toLowerCase()), p }))
    .filter((u): u is { symbol: string; p: (typeof verified.prices)[number] } => u.symbol !== undefined);
  if (updates.length === 0) {
    throw new AppError('API__UNSUPPORTED_ATTESTATION', {
      context: { kind: 'pyth', reason: 'no price in the update is of a registered feed' },
      shortMessage: 'No price in the update is of a registered Pyth feed',
    });
  }
  const moved: string[] = [];
  try {
    await ctx.store.transaction(async (tx) => {
      await tx.attestations.apply({
        replayKey,
        kind: 'pyth',
        emitterChain: verified.vaa.emitterChain,
        emitterAddress: verified.vaa.emitterAddress,
        sequence: verified.vaa.sequence,
        digest: verified.vaa.digest,
        observedAt: verified.vaa.timestamp,
        body: {
          slot: verified.slot.toString(),
          prices: updates.map(({ symbol, p }) => ({
            symbol,
            feedId: p.feedId,
            price: p.price.toString(),
            conf: p.conf.toString(),
            expo: p.expo,
            publishTime: Number(p.publishTime),
          })),
        },
      });
      for (const { symbol, p } of updates) {
        const price = scaled(p.price, p.expo);
        if (!(price > 0)) continue;
        const confidence = Math.max(0, Math.min(1, 1 - scaled(p.conf, p.expo) / price));
        const observedAt = Number(p.publishTime);
        const market = await tx.marketData.get<Market>('market', symbol);
        const r = market
          ? await tx.marketData.put({
              kind: 'market',
              key: symbol,
              doc: { ...market.doc, spot: price, spotConfidence: confidence },
              observedAt,
              source: 'pyth',
            })
          : await tx.marketData.put({
              kind: 'price',
              key: symbol,
              doc: { price, confidence },
              observedAt,
              source: 'pyth',
            });
        if (r.applied) moved.push(symbol);
      }
    });
  } catch (err) {
    if (isAppError(err, 'LEDGER__REPLAYED_ATTESTATION')) return duplicate('pyth', replayKey);
    throw err;
  }
  if (moved.length > 0) await ctx.globalInputs.bump();
  // One event per shard, whatever the number of prices: each owner re-reads the market data once.
  const jobIds = moved.length > 0 ? [await ctx.shardEvents.marketChanged(receivedAt)] : [];
  return { status: 'accepted', kind: 'pyth', replayKey, jobIds, accountIds: [], applied: moved.length };
}
