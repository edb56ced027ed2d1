import { code } from '../spec.js';

/** Wormhole VAAs, Queries responses, Pyth updates and the guardian-set trust store (packages/attestation). */
export const attestationCodes = {
  ATTESTATION__MALFORMED: code<{ reason: string }>(400, 'Attestation bytes cannot be parsed'),
  ATTESTATION__UNSUPPORTED_VERSION: code<{ version: number }>(400, 'VAA version is not 1'),
  ATTESTATION__UNKNOWN_GUARDIAN_SET: code<{ index: number }>(422, 'Guardian set is not in the trust store'),
  ATTESTATION__GUARDIAN_SET_EXPIRED: code<{ index: number; expiresAt: number; now: number }>(
    422,
    'Guardian set has expired',
  ),
  ATTESTATION__QUORUM_NOT_MET: code<{ signatures: number; required: number; setSize: number }>(
    422,
    'Too few signatures for quorum',
  ),
} as const;
