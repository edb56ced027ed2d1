// The demo's liquidation step (liquidation spec): the sweep starts an auction for an account the shock
// put below maintenance, a demo liquidator bids for the maximum fraction over HTTP, and the account is
// back above buffer margin. Plain HTTP with the admin key, as an operator and a liquidator would.
import { waitFor } from '../../test/src/harness/index.js';
import { money, renderTable } from './table.js';

interface Auction {
  id: string;
  accountId: string;
  kind: 'solvent' | 'insolvent';
  params: { bufferPercent: number };
  start: { mtm: number; mm: number; bm: number; fee: string };
}

const LIQUIDATOR = 'acc_demo_liquidator';

export async function demoLiquidation(engineUrl: string, adminKey: string, out: (t: string) => void) {
  const call = async (method: string, path: string, key: string, body?: unknown, headers = {}) => {
    const res = await fetch(`${engineUrl}/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const auction = await waitFor(
    async () => {
      const r = (await call('GET', '/liquidations?status=ongoing', adminKey)) as { auctions: Auction[] };
      return r.auctions[0];
    },
    // The shock puts accounts below maintenance: an auction must start (the demo fails otherwise).
    { what: 'the liquidation sweep to start an auction', timeoutMs: 60_000, intervalMs: 500 },
  );
  out(
    `\nLiquidation: the sweep started a ${auction.kind} Dutch auction on ${auction.accountId} ` +
      `(MtM ${money(auction.start.mtm)}, MM ${money(auction.start.mm)}, buffer margin ${money(auction.start.bm)}, ` +
      `fee ${auction.start.fee} to the insurance fund)\n`,
  );
  await call('POST', '/accounts', adminKey, { accountId: LIQUIDATOR });
  const key = (await call('POST', '/admin/api-keys', adminKey, {
    name: 'demo liquidator',
    role: 'liquidator',
    scope: LIQUIDATOR,
  })) as { secret: string };
  await call('POST', `/admin/accounts/${LIQUIDATOR}/cash-deposits`, adminKey, { amount: '100000000' });
  if (auction.kind === 'insolvent') {
    await call('POST', '/admin/insurance-fund/deposits', adminKey, { amount: '100000000', note: 'demo' });
  }
  const detail = (await call('GET', `/liquidations/${auction.id}`, key.secret)) as {
    live: { price: number; fmax: number; discount: number | null } | null;
  };
  out(
    `  live: price of the whole account ${money(detail.live?.price ?? 0)}, maximum fraction ` +
      `${((detail.live?.fmax ?? 0) * 100).toFixed(2)}%\n`,
  );
  const action = (await call(
    'POST',
    `/liquidations/${auction.id}/bids`,
    key.secret,
    { bidderAccountId: LIQUIDATOR, percent: 1 },
    { 'idempotency-key': `demo-${auction.id}` },
  )) as Record<string, number | boolean | null | { type: string; reason?: string }[]>;
  const settlements = (await call('GET', `/liquidations/${auction.id}/settlements`, adminKey)) as {
    instructions: { chain: string; asset: string; amountRaw: string; kind: string }[];
  };
  out(
    `  ${LIQUIDATOR} bid: took ${((action.percentOfCurrent as number) * 100).toFixed(2)}% of the account, ` +
      `paid ${money(action.bidCash as number)}, received ${money(action.cashToBidder as number)}; ` +
      `${(action.transitions as { type: string; reason?: string }[]).map((t) => `${t.type} ${t.reason ?? ''}`).join(', ')}\n\n`,
  );
  out(
    `${renderTable(
      [
        { when: 'before the bid', mtm: action.preMtM, mm: action.preMM, bm: action.preBM },
        { when: 'after the bid', mtm: action.postMtM, mm: action.postMM, bm: action.postBM },
      ] as { when: string; mtm: number; mm: number; bm: number }[],
      [
        { header: auction.accountId, cell: (r) => r.when },
        { header: 'MtM', cell: (r) => money(r.mtm), align: 'right' },
        { header: 'excess (MM)', cell: (r) => money(r.mm), align: 'right' },
        { header: 'buffer margin', cell: (r) => money(r.bm), align: 'right' },
      ],
    )}\n`,
  );
  out(
    `  settlement: ${settlements.instructions.map((i) => `${i.kind} ${i.amountRaw} raw ${i.asset} on ${i.chain}`).join('; ') || 'none'}\n`,
  );
}
