import type { Executor } from '../db/types.js';
import { createVersionedParamsRepository, type RiskParamsRepository } from './risk-params.js';

// Liquidation auction parameters (liquidation spec section 2) are versioned and audited exactly like
// the risk parameters: the same repository over their own two tables. Only operators version them (no
// volatility scaler), so every version and audit row is `manual`.
export type LiquidationParamsRepository = RiskParamsRepository;

export function createLiquidationParamsRepository(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
): LiquidationParamsRepository {
  return createVersionedParamsRepository(ex, inTransaction, {
    versions: 'liquidation_param_versions',
    audit: 'liquidation_param_audit',
    entity: 'liquidation_params',
    withReason: false,
  });
}
