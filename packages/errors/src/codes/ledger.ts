import { code } from '../spec.js';

/** Persistence (packages/store): balances, attestations, parameters, snapshots. */
export const ledgerCodes = {
  LEDGER__REPLAYED_ATTESTATION: code<{ replayKey: string }>(409, 'Attestation was already applied'),
  LEDGER__STALE_OBSERVATION: code<{ lastHeight: string; height: string }>(
    409,
    'Observation is older than the last applied one',
  ),
  LEDGER__NOT_FOUND: code<{ entity: string; id: string }>(404, 'Entity not found'),
  LEDGER__CONFLICT: code<{ entity: string; id: string }>(409, 'Entity already exists'),
  LEDGER__UNAVAILABLE: code<{ reason: string }>(503, 'Database is unavailable'),
  LEDGER__MIGRATION_FAILED: code<{ version: number; reason: string }>(500, 'Database migration failed'),
  LEDGER__INVALID_INPUT: code<{ field: string; reason: string }>(400, 'Value does not fit the ledger schema'),
  LEDGER__QUERY_FAILED: code<{ sqlState: string }>(500, 'Database query failed'),
} as const;
