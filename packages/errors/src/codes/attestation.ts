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
  ATTESTATION__TRUNCATED: code<{ what: string; length: number }>(400, 'Attestation bytes end too early'),
  ATTESTATION__TRAILING_BYTES: code<{ what: string; expected: number; actual: number }>(
    400,
    'Attestation bytes are longer than their canonical encoding',
  ),
  ATTESTATION__EMPTY_GUARDIAN_SET: code<{ index: number }>(422, 'Guardian set has no keys'),
  ATTESTATION__GUARDIAN_INDEX_NOT_ASCENDING: code<{ position: number; index: number; previous: number }>(
    422,
    'Guardian signature indices are not strictly ascending',
  ),
  ATTESTATION__GUARDIAN_INDEX_OUT_OF_RANGE: code<{ index: number; setSize: number }>(
    422,
    'Guardian signature index is outside the guardian set',
  ),
  ATTESTATION__INVALID_RECOVERY_ID: code<{ guardianIndex: number; v: number }>(
    422,
    'Signature recovery id is not 0 or 1',
  ),
  ATTESTATION__SIGNATURE_INVALID: code<{ guardianIndex: number; reason: string }>(
    422,
    'Signature does not recover a public key',
  ),
  ATTESTATION__SIGNER_MISMATCH: code<{ guardianIndex: number; expected: string; recovered: string }>(
    422,
    'Signature was not made by the guardian at its index',
  ),
  ATTESTATION__EMITTER_NOT_ALLOWED: code<{ kind: string; emitterChain: number; emitterAddress: string }>(
    422,
    'Emitter is not registered for this message kind',
  ),
  ATTESTATION__NOT_FINAL: code<{ emitterChain: number; consistencyLevel: number }>(
    422,
    'Consistency level is not final for the source chain',
  ),
  ATTESTATION__STALE: code<{ timestamp: number; now: number; maxAgeSeconds: number }>(
    422,
    'Attestation is older than the allowed age',
  ),
  ATTESTATION__TIMESTAMP_IN_FUTURE: code<{ timestamp: number; now: number; maxSkewSeconds: number }>(
    422,
    'Attestation timestamp is ahead of the clock',
  ),
  ATTESTATION__NON_MONOTONIC_HEIGHT: code<{ key: string; height: string; lastApplied: string }>(
    409,
    'Observation block or slot is older than the last applied one',
  ),
  ATTESTATION__PAYLOAD_INVALID: code<{ layout: string; reason: string }>(
    422,
    'Payload does not match its layout',
  ),
  ATTESTATION__UNSUPPORTED_SCHEMA_VERSION: code<{ layout: string; schemaVersion: number }>(
    422,
    'Payload schema version is not supported',
  ),
  ATTESTATION__QUERY_MISMATCH: code<{ field: string; expected: string; actual: string }>(
    422,
    'Queries response does not answer the expected request',
  ),
  ATTESTATION__QUERY_RESULT_INVALID: code<{ field: string; expected: string; actual: string }>(
    422,
    'Queries result does not describe the expected account',
  ),
  ATTESTATION__PYTH_PROOF_INVALID: code<{ update: number; reason: string }>(
    422,
    'Pyth Merkle proof does not lead to the attested root',
  ),
  ATTESTATION__UPGRADE_INVALID: code<{ reason: string; position: number }>(
    422,
    'Guardian set upgrade cannot be applied',
  ),
  ATTESTATION__TRUST_STORE_INVALID: code<{ reason: string }>(400, 'Trust store is malformed'),
} as const;
