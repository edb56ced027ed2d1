import { describe, expect, it } from 'vitest';
import {
  cursorOf,
  eventSummary,
  firstPage,
  fundBalanceSeries,
  microOf,
  nextPage,
  previousPage,
  refreshOnLiquidationEvent,
} from './liquidations.js';

const entry = (id: string, amount: string, kind: 'deposit' | 'fee' | 'draw', at: number) => ({
  id,
  amount,
  kind,
  auctionId: null,
  bidId: null,
  actor: null,
  note: null,
  at,
});

describe('insurance fund', () => {
  it('reads decimal cash texts exactly', () => {
    expect(microOf('1250.5')).toBe(1_250_500_000n);
    expect(microOf('-0.000001')).toBe(-1n);
    expect(microOf('7')).toBe(7_000_000n);
  });
  it('rebuilds the balance after each entry, oldest first, from the current balance', () => {
    const history = [
      entry('3', '-0.3', 'draw', 30),
      entry('2', '0.1', 'fee', 20),
      entry('1', '1000', 'deposit', 10),
    ];
    expect(fundBalanceSeries('999.8', history)).toEqual([
      { at: 10, balance: 1000, kind: 'deposit' },
      { at: 20, balance: 1000.1, kind: 'fee' },
      { at: 30, balance: 999.8, kind: 'draw' },
    ]);
    expect(fundBalanceSeries('0', [])).toEqual([]);
  });
});

describe('auction events', () => {
  it('summarises each stored event', () => {
    const e = (type: string, body: unknown) => ({ id: '1', type, time: 1, body, at: 1 }) as never;
    expect(eventSummary(e('started', { kind: 'solvent', mtm: 100, mm: 120, bm: 130, fee: 1 }))).toBe(
      'solvent auction: MtM 100.00, MM 120.00, BM 130.00',
    );
    expect(eventSummary(e('bid', { bidder: 'acc_l', percentOfCurrent: 0.5, bidCash: 42 }))).toBe(
      'bid by acc_l: 50.0% of current for 42.00',
    );
    expect(eventSummary(e('insurance_draw', { bidId: 'b1', amount: 3 }))).toBe(
      'insurance fund paid 3.00 (bid b1)',
    );
    expect(eventSummary(e('socialised_loss', { amount: 2 }))).toBe('socialised loss 2.00 (fund exhausted)');
    expect(eventSummary(e('terminated', { type: 'terminated', reason: 'MAX_FRACTION' }))).toBe(
      'terminated: MAX_FRACTION',
    );
  });
  it('refreshes what each stream event changes', () => {
    expect(refreshOnLiquidationEvent('price')).toEqual(['detail']);
    expect(refreshOnLiquidationEvent('bid')).toEqual(['list', 'detail', 'fund']);
    expect(refreshOnLiquidationEvent('withdrawals')).toEqual(['fund']);
    expect(refreshOnLiquidationEvent('other')).toEqual([]);
  });
});

describe('cursor pages', () => {
  it('goes forward with the server cursor and back through the cursors seen', () => {
    const p1 = nextPage(firstPage, 'auc_9');
    expect(cursorOf(p1)).toBe('auc_9');
    expect(nextPage(p1, null)).toBe(p1);
    const p2 = nextPage(p1, 'auc_19');
    expect(p2.index).toBe(2);
    const back = previousPage(previousPage(p2));
    expect(cursorOf(back)).toBeUndefined();
    expect(previousPage(back)).toBe(back);
    // Going forward again from page 0 replaces what followed.
    expect(nextPage(back, 'auc_5').cursors).toEqual([undefined, 'auc_5']);
  });
});
