import { toChain } from '@wormhole-foundation/sdk-base';
import { serializePayload } from '@wormhole-foundation/sdk-definitions';
import { GOVERNANCE_EMITTER } from '../vaa/emitters.js';
import { signVaa } from './sign-vaa.js';

export interface BuildGuardianSetUpgradeParameters {
  readonly newIndex: number;
  /** Addresses of the new set (20-byte hex). */
  readonly newKeys: readonly string[];
  /** Set that signs (default 0) and its private keys (default: the devnet keys). */
  readonly guardianSetIndex?: number;
  readonly keys?: readonly string[];
  readonly signerIndices?: readonly number[];
  readonly timestamp?: number;
  readonly sequence?: bigint;
  /** Target chain id; 0 (all chains) is the only one a trust store accepts. */
  readonly chain?: number;
  readonly emitterChain?: number;
  readonly emitterAddress?: string;
  /** Default 32; governance VAAs on mainnet carry 0 (guardians sign them directly, no finality). */
  readonly consistencyLevel?: number;
}

/** A signed core governance GuardianSetUpgrade VAA, serialized with the SDK's governance layout. */
export function buildGuardianSetUpgradeVaa(p: BuildGuardianSetUpgradeParameters): Uint8Array {
  const payload = serializePayload('WormholeCore:GuardianSetUpgrade', {
    protocol: 'WormholeCore',
    action: 'GuardianSetUpgrade',
    chain: p.chain === undefined || p.chain === 0 ? null : toChain(p.chain),
    actionArgs: { guardianSet: p.newIndex, guardians: p.newKeys.map((k) => k.toLowerCase()) },
  } as never);
  return signVaa({
    timestamp: p.timestamp ?? 1_700_000_000,
    nonce: 0,
    emitterChain: p.emitterChain ?? GOVERNANCE_EMITTER.chain,
    emitterAddress: p.emitterAddress ?? GOVERNANCE_EMITTER.address,
    sequence: p.sequence ?? BigInt(p.newIndex),
    consistencyLevel: p.consistencyLevel ?? 32,
    payload,
    guardianSetIndex: p.guardianSetIndex ?? 0,
    ...(p.keys ? { keys: p.keys } : {}),
    ...(p.signerIndices ? { signerIndices: p.signerIndices } : {}),
  });
}
