import { AppError } from '@xmargin/errors';
import { checkFreshness } from '../freshness.js';
import { bytesEqual, fromHex } from '../internal/bytes.js';
import { decodeLayout } from '../internal/layout.js';
import type { RecoverAddress } from '../secp256k1/recover.js';
import type { TrustStore } from '../trust-store/trust-store.js';
import type { DigestCache } from '../vaa/digest-cache.js';
import { type Emitter, PYTHNET_EMITTER } from '../vaa/emitters.js';
import { type VerifiedVaa, verifyVaa } from '../vaa/verify-vaa.js';
import {
  accumulatorUpdateLayout,
  type MerkleRootPayload,
  merkleRootPayloadLayout,
  type PriceMessage,
  priceMessageLayout,
} from './layouts.js';
import { merkleRootFromProof } from './merkle.js';

export interface VerifyPythUpdateParameters {
  readonly update: Uint8Array;
  readonly trustStore: TrustStore;
  readonly now: number;
  /** The Pythnet accumulator emitter (default: mainnet chain 26, e101fa…). Devnet tests pass their own. */
  readonly emitter?: Emitter;
  /** When given, both the VAA timestamp and every price's publish time must be this fresh. */
  readonly maxAgeSeconds?: number;
  readonly digestCache?: DigestCache;
  readonly recover?: RecoverAddress;
}

export interface VerifiedPythUpdate {
  readonly vaa: VerifiedVaa;
  readonly slot: bigint;
  readonly ringSize: number;
  readonly root: `0x${string}`;
  readonly prices: readonly PriceMessage[];
}

function payloadInvalid(layout: string) {
  return (reason: string) =>
    new AppError('ATTESTATION__PAYLOAD_INVALID', {
      shortMessage: `${layout} is invalid: ${reason}`,
      context: { layout, reason },
    });
}

/**
 * Verifies a Pyth accumulator update: the PNAU envelope (exact), the VAA (guardian quorum, Pythnet
 * emitter, AUWV Merkle-root payload), every message's Merkle proof against that root, then parses each
 * price feed message exactly. Price confidence (`conf`, `expo`) is returned for the risk model.
 */
export function verifyPythUpdate(params: VerifyPythUpdateParameters): VerifiedPythUpdate {
  const update = decodeLayout(accumulatorUpdateLayout, params.update, 'Pyth accumulator update');
  const emitter = params.emitter ?? PYTHNET_EMITTER;
  const vaa = verifyVaa(update.vaa, {
    trustStore: params.trustStore,
    now: params.now,
    emitters: { pyth: [emitter] },
    kind: 'pyth',
    ...(params.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: params.maxAgeSeconds }),
    ...(params.digestCache ? { digestCache: params.digestCache } : {}),
    ...(params.recover ? { recover: params.recover } : {}),
  });
  const root: MerkleRootPayload = decodeLayout(
    merkleRootPayloadLayout,
    vaa.payload,
    'Pyth Merkle root payload',
    payloadInvalid('Pyth:MerkleRoot'),
  );
  const rootBytes = fromHex(root.root);
  const prices = update.updates.map(({ message, proof }, i) => {
    if (!bytesEqual(merkleRootFromProof(message, proof), rootBytes)) {
      throw new AppError('ATTESTATION__PYTH_PROOF_INVALID', {
        shortMessage: `Update ${i}: Merkle proof does not lead to root ${root.root}`,
        context: { update: i, reason: 'root mismatch' },
      });
    }
    const price = decodeLayout(
      priceMessageLayout,
      message,
      `Pyth price message ${i}`,
      payloadInvalid('Pyth:PriceFeedMessage'),
    );
    if (params.maxAgeSeconds !== undefined) {
      checkFreshness({
        timestamp: Number(price.publishTime),
        now: params.now,
        maxAgeSeconds: params.maxAgeSeconds,
      });
    }
    return price;
  });
  return { vaa, slot: root.slot, ringSize: root.ringSize, root: root.root, prices };
}
