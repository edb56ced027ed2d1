import type { EngineEnv, IndexNetwork } from '@xmargin/schemas/env';
import type { Hex } from 'viem';

export type EvmNetwork = Extract<IndexNetwork, { platform: 'evm' }>;
export type SolanaNetwork = Extract<IndexNetwork, { platform: 'solana' }>;

/** What the settlement routes and the vault observer need (from the engine env; tests override it). */
export interface SettlementSettings {
  /** Unset: authorisation and statement routes answer SETTLEMENT__NOT_CONFIGURED. */
  readonly privateKey: Hex | undefined;
  /** EVM networks whose (first) vault the engine authorises withdrawals for. */
  readonly networks: readonly EvmNetwork[];
  /**
   * Solana networks whose escrows the engine opens and pays withdrawals from (escrow authority derived
   * from the settlement key; absent = none).
   */
  readonly solanaNetworks?: readonly SolanaNetwork[];
  readonly authorisationTtlSeconds: number;
  readonly reservationGraceSeconds: number;
  readonly statementTtlSeconds: number;
  readonly stableDecimals: number;
}

export function settlementSettings(env: EngineEnv): SettlementSettings {
  return {
    privateKey: env.SETTLEMENT_PRIVATE_KEY as Hex | undefined,
    networks: env.INDEX_NETWORKS.filter((n): n is EvmNetwork => n.platform === 'evm'),
    solanaNetworks: env.INDEX_NETWORKS.filter((n): n is SolanaNetwork => n.platform === 'solana'),
    authorisationTtlSeconds: env.WITHDRAWAL_AUTHORISATION_TTL_SECONDS,
    reservationGraceSeconds: env.WITHDRAWAL_RESERVATION_GRACE_SECONDS,
    statementTtlSeconds: env.MARGIN_STATEMENT_TTL_SECONDS,
    stableDecimals: env.STABLE_DECIMALS,
  };
}
