import { createDigestCache, decodeCollateralMessage, verifyVaa } from '@xmargin/attestation';
import { universalAddress } from '@xmargin/core';
import { AppError, isAppError } from '@xmargin/errors';
import type { EngineContext } from '../context.js';
import { attestationBytes } from './bytes.js';
import { type AttestationOutcome, duplicate } from './outcome.js';
import { linkedFormOf } from './resolve-holder.js';
import { findToken } from './token-registry.js';
import { requireTrustStore } from './trust.js';

// Signature recovery dominates verification; a resubmitted VAA (same header and digest) skips it.
const digestCache = createDigestCache(10_000);

/**
 * Verifies a collateral VAA from one of our vaults and applies the balance it attests, consuming its
 * replay key (keccak256 of the body) in the same transaction; then enqueues the account's recompute.
 * The same body again, with any signatures, is reported as a duplicate and changes nothing.
 */
export async function applyVaa(ctx: EngineContext, input: string): Promise<AttestationOutcome> {
  const receivedAt = ctx.now();
  const bytes = attestationBytes(input, 'vaa');
  const trustStore = await requireTrustStore(ctx);
  const registry = await ctx.registry.registry();
  const collateralEmitters = registry.emitters.filter((e) => e.kind === 'collateral');
  const now = Math.floor(receivedAt / 1000);
  const vaa = verifyVaa(bytes, {
    trustStore,
    now,
    emitters: {
      collateral: collateralEmitters.map((e) => ({ chain: e.emitterChain, address: e.emitterAddress })),
    },
    kind: 'collateral',
    digestCache,
    maxAgeSeconds: ctx.settings.attestationMaxAge.vaa,
  });
  if (await ctx.store.attestations.has(vaa.replayKey)) return duplicate('vaa', vaa.replayKey);

  const emitter = collateralEmitters.find(
    (e) => e.emitterChain === vaa.emitterChain && universalAddress(e.emitterAddress) === vaa.emitterAddress,
  );
  // verifyVaa checked the allow-list, so the emitter is registered.
  const chain = emitter?.chain ?? '';
  const msg = decodeCollateralMessage(vaa.payload);
  const token = universalAddress(msg.token);
  const tokenEntry = findToken(registry, chain, token);
  if (!tokenEntry) {
    throw new AppError('API__UNSUPPORTED_ATTESTATION', {
      context: { kind: 'vaa', reason: `token ${token} on ${chain} is not registered` },
      shortMessage: `Token ${token} on ${chain} is not in the token registry`,
    });
  }
  const holder = linkedFormOf(chain, msg.account);
  const account = await ctx.store.accounts.findByAddress(holder.platform, holder.address);
  if (!account) {
    throw new AppError('API__UNSUPPORTED_ATTESTATION', {
      context: {
        kind: 'vaa',
        reason: `${holder.platform} address ${holder.address} is not linked to an account`,
      },
      shortMessage: `Vault account ${holder.address} is not linked to any margin account`,
    });
  }
  try {
    await ctx.store.transaction(async (tx) => {
      await tx.attestations.apply({
        replayKey: vaa.replayKey,
        kind: 'vaa',
        emitterChain: vaa.emitterChain,
        emitterAddress: vaa.emitterAddress,
        sequence: vaa.sequence,
        digest: vaa.digest,
        account,
        observedAt: vaa.timestamp,
        body: {
          chain,
          message: msg.kind,
          token,
          amount: msg.amount.toString(),
          balance: msg.balance.toString(),
          sourceHeight: msg.sourceHeight.toString(),
          vaultNonce: msg.vaultNonce.toString(),
          signers: vaa.signers,
        },
        balances: [
          {
            account,
            chain,
            asset: tokenEntry.asset,
            source: 'vaa',
            holder: universalAddress(msg.account),
            token,
            amount: msg.balance,
            decimals: tokenEntry.decimals,
            height: msg.sourceHeight,
            ordinal: msg.vaultNonce,
            observedAt: vaa.timestamp,
            ref: `vaa:${vaa.emitterChain}/${vaa.emitterAddress}/${vaa.sequence}`,
          },
        ],
        onStale: 'reject',
      });
      // The vault's withdrawal message can land before the indexer reads the vault event for it: its
      // balance is already debited, so the reservation it executes stops counting from its block on.
      if (msg.kind === 'withdraw')
        await tx.withdrawalReservations.markAttestedWithdrawal({
          chain,
          holder: universalAddress(msg.account),
          token,
          amount: msg.amount,
          height: msg.sourceHeight,
        });
    });
  } catch (err) {
    // Lost a race with a concurrent post of the same body: same outcome as posting it again.
    if (isAppError(err, 'LEDGER__REPLAYED_ATTESTATION')) return duplicate('vaa', vaa.replayKey);
    throw err;
  }
  const jobIds = await ctx.shardEvents.accountsChanged([account], receivedAt);
  return {
    status: 'accepted',
    kind: 'vaa',
    replayKey: vaa.replayKey,
    jobIds,
    accountIds: [account],
    applied: 1,
  };
}
