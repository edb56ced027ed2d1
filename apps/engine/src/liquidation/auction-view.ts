import {
  auctionDiscount,
  bufferMargin,
  insolventBidPrice,
  maxFraction,
  solventBidPrice,
} from '@xmargin/risk';
import type {
  AuctionBidRecord,
  AuctionRecord,
  SettlementInstructionRecord,
  StoreRepositories,
} from '@xmargin/store';
import { getAddress } from 'viem';
import type { GlobalInputs } from '../margin/global-inputs.js';
import { CASH_DECIMALS, cashToNumber } from './cash-units.js';
import { figuresAt, paramsOf } from './evaluate-account.js';
import { loadLiquidationBook } from './load-liquidation-book.js';

/** Exact decimal text of micro stable units. */
export function cashText(raw: bigint): string {
  const neg = raw < 0n;
  const abs = neg ? -raw : raw;
  const unit = 10n ** BigInt(CASH_DECIMALS);
  const frac = (abs % unit).toString().padStart(CASH_DECIMALS, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${abs / unit}${frac ? `.${frac}` : ''}`;
}

export function auctionView(r: AuctionRecord) {
  return {
    id: r.id,
    accountId: r.account,
    status: r.status,
    kind: r.kind,
    paramsVersion: r.paramsVersion,
    params: paramsOf(r) as unknown as Record<string, number>,
    startTime: r.startTime,
    phaseStart: r.phaseStart,
    reservedCash: cashText(r.reservedCash),
    cachedMM: r.cachedMM,
    start: { mtm: r.startMtM, mm: r.startMM, bm: r.startBM, fee: cashText(r.fee) },
    sequence: r.sequence,
    remainingFraction: r.remainingFraction,
    endTime: r.endTime,
    endReason: r.endReason,
  };
}

export function bidView(b: AuctionBidRecord) {
  return {
    id: b.id,
    sequence: b.sequence,
    bidderAccountId: b.bidderAccount,
    time: b.time,
    accepted: b.accepted,
    reason: b.reason,
    result: b.result as never,
  };
}

/**
 * The live figures of an ongoing auction at `time` (read-only: what a bid would see, without the
 * transitions an Evaluate at that time would persist).
 */
export async function liveFigures(
  store: StoreRepositories,
  r: AuctionRecord,
  time: number,
  global?: () => Promise<GlobalInputs>,
) {
  if (r.status !== 'ongoing') return null;
  const params = paramsOf(r);
  const book = await loadLiquidationBook(store, r.account, global);
  const figures = figuresAt(book.document, time);
  const { mtm, mm } = figures(book.document.account);
  const bm = bufferMargin(params, { mm, mtm });
  const elapsed = time - r.phaseStart;
  if (r.kind === 'insolvent') {
    return {
      time,
      elapsed,
      mtm,
      mm,
      bm,
      discount: null,
      price: insolventBidPrice(params, { elapsed, mm, mtm }),
      fmax: 0,
    };
  }
  const discount = auctionDiscount(params, elapsed);
  const reservedCash = cashToNumber(r.reservedCash);
  // A reserved cash above MtM means the next Evaluate terminates it: price it as the bid would see it.
  const price = reservedCash > mtm ? 0 : solventBidPrice(params, { elapsed, mtm, reservedCash });
  return {
    time,
    elapsed,
    mtm,
    mm,
    bm,
    discount,
    price,
    fmax: maxFraction(params, { mtm, bm, discount, reservedCash }),
  };
}

/** One settlement instruction, with the typed data and signature of its Seize once signed. */
export function instructionView(i: SettlementInstructionRecord) {
  const a = i.authorisation;
  return {
    id: String(i.id),
    bidId: i.bidId,
    chain: i.chain,
    asset: i.asset,
    source: i.source,
    holder: i.holder,
    amountRaw: String(i.amountRaw),
    decimals: i.decimals,
    from: i.fromAccount,
    to: i.toAccount,
    kind: i.kind,
    status: i.status,
    authorisation:
      a === null
        ? null
        : {
            typedData: {
              domain: {
                name: 'xmargin' as const,
                version: '1' as const,
                chainId: a.chainId,
                verifyingContract: a.vault,
              },
              primaryType: 'Seize' as const,
              message: {
                account: getAddress(a.fromAddress),
                token: a.token,
                amount: String(i.amountRaw),
                to: a.recipient,
                nonce: String(a.nonce),
                deadline: String(a.deadline),
              },
            },
            signature: a.signature,
          },
    txHash: i.txHash,
    confirmedHeight: i.confirmedHeight === null ? null : String(i.confirmedHeight),
  };
}
