import type { AuctionEventsDto, InsuranceFundDto } from '@xmargin/schemas/http';

const CASH_DECIMALS = 6;

/** Exact micro units of a decimal text such as `-1250.5` (the engine's cash amounts). */
export function microOf(text: string): bigint {
  const neg = text.startsWith('-');
  const [whole = '0', frac = ''] = (neg ? text.slice(1) : text).split('.');
  const abs = BigInt(whole || '0') * 10n ** BigInt(CASH_DECIMALS) + BigInt(frac.padEnd(CASH_DECIMALS, '0'));
  return neg ? -abs : abs;
}

const toNumber = (micro: bigint) => Number(micro) / 10 ** CASH_DECIMALS;

/**
 * The fund's balance after each history entry, oldest first, from the current balance and the latest
 * entries (newest first, signed amounts): walking back subtracts each entry, in exact micro units.
 */
export function fundBalanceSeries(
  balance: string,
  history: InsuranceFundDto['history'],
): { at: number; balance: number; kind: string }[] {
  let after = microOf(balance);
  const out: { at: number; balance: number; kind: string }[] = [];
  for (const h of history) {
    out.push({ at: h.at, balance: toNumber(after), kind: h.kind });
    after -= microOf(h.amount);
  }
  return out.reverse();
}

export function fundOption(series: ReturnType<typeof fundBalanceSeries>) {
  return {
    animation: false,
    tooltip: { trigger: 'axis' as const },
    grid: { left: 64, right: 16, top: 16, bottom: 40 },
    xAxis: { type: 'time' as const },
    yAxis: { type: 'value' as const, name: 'USD' },
    series: [
      {
        name: 'balance',
        type: 'line' as const,
        step: 'end' as const,
        data: series.map((p) => [p.at * 1000, p.balance]),
        itemStyle: { color: '#2b7de9' },
      },
    ],
  };
}

type AuctionEvent = AuctionEventsDto['events'][number];

const num = (v: unknown, digits = 2) => (typeof v === 'number' ? v.toFixed(digits) : String(v));

/** One line of an auction's timeline, from the event's stored body. */
export function eventSummary(e: AuctionEvent): string {
  const b = (e.body ?? {}) as Record<string, unknown>;
  switch (e.type) {
    case 'started':
      return `${String(b.kind)} auction: MtM ${num(b.mtm)}, MM ${num(b.mm)}, BM ${num(b.bm)}`;
    case 'fee':
      return `fee ${num(b.fee)} to the insurance fund`;
    case 'bid':
      return `bid by ${String(b.bidder)}: ${num(Number(b.percentOfCurrent) * 100, 1)}% of current for ${num(b.bidCash)}`;
    case 'insurance_draw':
      return `insurance fund paid ${num(b.amount)} (bid ${String(b.bidId)})`;
    case 'socialised_loss':
      return `socialised loss ${num(b.amount)} (fund exhausted)`;
    case 'converted':
      return 'converted to an insolvent auction';
    case 'terminated':
      return `terminated: ${String(b.reason ?? b.kind ?? '')}`;
    default:
      return JSON.stringify(b);
  }
}

/** Events of the liquidation stream (`/v1/stream/liquidations`) and the queries each refreshes. */
export function refreshOnLiquidationEvent(type: string): ('list' | 'detail' | 'fund')[] {
  switch (type) {
    case 'started':
    case 'bid':
    case 'converted':
    case 'terminated':
      return ['list', 'detail', 'fund'];
    case 'price':
      return ['detail'];
    case 'withdrawals':
      return ['fund'];
    default:
      return [];
  }
}

/**
 * Forward-only cursor paging (the engine's `cursor` = last id of the previous page) made two-way: the
 * cursors of the pages already seen, so "previous" goes back without the server paging backwards.
 */
export interface CursorPages {
  /** cursors[i] opens page i (undefined for the first). */
  readonly cursors: readonly (string | undefined)[];
  readonly index: number;
}

export const firstPage: CursorPages = { cursors: [undefined], index: 0 };

export function nextPage(p: CursorPages, nextCursor: string | null): CursorPages {
  if (nextCursor === null) return p;
  const cursors = p.cursors.slice(0, p.index + 1);
  cursors.push(nextCursor);
  return { cursors, index: p.index + 1 };
}

export function previousPage(p: CursorPages): CursorPages {
  return p.index === 0 ? p : { cursors: p.cursors, index: p.index - 1 };
}

export const cursorOf = (p: CursorPages) => p.cursors[p.index];
