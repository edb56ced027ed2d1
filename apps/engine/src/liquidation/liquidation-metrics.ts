import { Counter, type Registry } from 'prom-client';

/** Counters of spec issue 15: auctions, bids, fees, insurance draws, bad debt. */
export interface LiquidationMetrics {
  readonly auctions: Counter<'kind' | 'event'>;
  readonly bids: Counter<'outcome'>;
  readonly fees: Counter;
  readonly insuranceDraws: Counter;
  readonly socialisedLoss: Counter;
}

export function createLiquidationMetrics(registry: Registry): LiquidationMetrics {
  return {
    auctions: new Counter({
      name: 'xmargin_liquidation_auctions_total',
      help: 'Auction transitions (started, converted, terminated) by kind',
      labelNames: ['kind', 'event'],
      registers: [registry],
    }),
    bids: new Counter({
      name: 'xmargin_liquidation_bids_total',
      help: 'Liquidation bids by outcome (accepted or the rejection reason)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    fees: new Counter({
      name: 'xmargin_liquidation_fees_total',
      help: 'Liquidation fees paid to the insurance fund (stable units)',
      registers: [registry],
    }),
    insuranceDraws: new Counter({
      name: 'xmargin_liquidation_insurance_draws_total',
      help: 'Insurance fund paid to insolvent-auction bidders (stable units)',
      registers: [registry],
    }),
    socialisedLoss: new Counter({
      name: 'xmargin_liquidation_socialised_loss_total',
      help: 'Bad debt left after the insurance fund (stable units)',
      registers: [registry],
    }),
  };
}

/** Counts the transitions and fees of persisted events. */
export function countEvents(
  metrics: LiquidationMetrics | undefined,
  events: readonly { type: string; data: Record<string, unknown> }[],
): void {
  if (!metrics) return;
  for (const e of events) {
    if (e.type === 'started' || e.type === 'converted' || e.type === 'terminated') {
      metrics.auctions.inc({ kind: String(e.data.kind ?? ''), event: e.type });
    }
    if (e.type === 'started' && typeof e.data.fee === 'number' && e.data.fee > 0)
      metrics.fees.inc(e.data.fee);
  }
}
