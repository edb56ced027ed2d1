// The demo's liquidation step (liquidation spec): the sweep starts auctions for the accounts the shock put
// below maintenance, a demo liquidator bids for the maximum fraction over HTTP, each account is back above
// buffer margin, and the vault share of a bid is settled on chain: the liquidator submits the engine-signed
// Seize to the vault and the engine confirms it from the vault's Seized event.
import { linkEvmAddress, type Stack, signedAuthorisation, waitFor } from '../../test/src/harness/index.js';
import { money, renderTable } from './table.js';

const LIQUIDATOR = 'acc_demo_liquidator';
/** An EVM address, as the devnet helpers type it. */
type Address = `0x${string}`;

export async function demoLiquidation(s: Stack, liquidatorAddress: Address, out: (t: string) => void) {
  const admin = s.engine.admin;
  // The shock puts accounts below maintenance: an auction must start (the demo fails otherwise).
  const auctions = await waitFor(
    async () => {
      const r = await admin.liquidations.list({ status: 'ongoing' });
      return r.auctions.length > 0 ? r.auctions : undefined;
    },
    { what: 'the liquidation sweep to start an auction', timeoutMs: 60_000, intervalMs: 500 },
  );
  await admin.accounts.create({ accountId: LIQUIDATOR });
  // The address the vault pays seized collateral to (the engine signs each Seize for it).
  await linkEvmAddress(admin, LIQUIDATOR, s.evm.walletClient, liquidatorAddress);
  const key = await admin.admin.createApiKey({
    name: 'demo liquidator',
    role: 'liquidator',
    scope: LIQUIDATOR,
  });
  if (!key.secret) throw new Error('the engine returned no key secret');
  const liquidator = s.engine.client(key.secret);
  await admin.admin.depositCash(LIQUIDATOR, { amount: '100000000' });
  if (auctions.some((a) => a.kind === 'insolvent'))
    await admin.admin.depositInsuranceFund({ amount: '100000000', note: 'demo' });
  for (const auction of auctions) {
    out(
      `\nLiquidation: the sweep started a ${auction.kind} Dutch auction on ${auction.accountId} ` +
        `(MtM ${money(auction.start.mtm)}, MM ${money(auction.start.mm)}, buffer margin ${money(auction.start.bm)}, ` +
        `fee ${auction.start.fee} to the insurance fund)\n`,
    );
    const detail = await liquidator.liquidations.get(auction.id);
    out(
      `  live: price of the whole account ${money(detail.live?.price ?? 0)}, maximum fraction ` +
        `${((detail.live?.fmax ?? 0) * 100).toFixed(2)}%\n`,
    );
    const action = await liquidator.liquidations.bid(
      auction.id,
      { bidderAccountId: LIQUIDATOR, percent: 1 },
      { idempotencyKey: `demo-${auction.id}` },
    );
    out(
      `  ${LIQUIDATOR} bid: took ${(action.percentOfCurrent * 100).toFixed(2)}% of the account, ` +
        `paid ${money(action.bidCash)}, received ${money(action.cashToBidder)}; ` +
        `${action.transitions.map((t) => `${t.type} ${'reason' in t ? t.reason : ''}`).join(', ')}\n\n`,
    );
    out(
      `${renderTable(
        [
          { when: 'before the bid', mtm: action.preMtM, mm: action.preMM, bm: action.preBM },
          { when: 'after the bid', mtm: action.postMtM, mm: action.postMM, bm: action.postBM },
        ],
        [
          { header: auction.accountId, cell: (r) => r.when },
          { header: 'MtM', cell: (r) => money(r.mtm), align: 'right' },
          { header: 'excess (MM)', cell: (r) => money(r.mm), align: 'right' },
          { header: 'buffer margin', cell: (r) => money(r.bm), align: 'right' },
        ],
      )}\n`,
    );
    await settle(s, liquidator, auction.id, liquidatorAddress, out);
  }
}

/** Prints the bid's settlement instructions; submits each signed vault Seize and waits for its confirmation. */
async function settle(
  s: Stack,
  liquidator: Stack['oracle'],
  auctionId: string,
  from: Address,
  out: (t: string) => void,
) {
  const devnets = [s.evm, ...(s.evm2 ? [s.evm2] : [])];
  const { instructions } = await waitFor(
    async () => {
      const r = await liquidator.liquidations.settlements(auctionId);
      // Vault seizures are signed right after the bid (the sweep retries any that were not).
      return r.instructions.every((i) => i.kind !== 'seizure' || i.authorisation) ? r : undefined;
    },
    { what: 'the seizures signed', timeoutMs: 30_000, intervalMs: 300 },
  );
  for (const i of instructions) {
    const devnet = devnets.find((d) => d.chainName === i.chain);
    if (i.kind !== 'seizure' || !i.authorisation || !devnet) {
      out(`  settlement: ${i.kind} ${i.amountRaw} raw ${i.asset} on ${i.chain} (moved in the ledger)\n`);
      continue;
    }
    const tx = await devnet.submitSeize({ from, ...signedAuthorisation(i.authorisation) });
    await liquidator.liquidations.reportSubmission(auctionId, i.id, { txHash: tx.hash });
    const done = await waitFor(
      async () => {
        const r = await liquidator.liquidations.settlements(auctionId);
        return r.instructions.find((x) => x.id === i.id && x.status === 'confirmed');
      },
      { what: 'the Seized event indexed', timeoutMs: 60_000, intervalMs: 300 },
    );
    out(
      `  settlement: engine-signed Seize of ${i.amountRaw} raw ${i.asset} on ${i.chain} submitted by the ` +
        `liquidator (${tx.hash.slice(0, 10)}…), paid to ${i.authorisation.typedData.message.to}; ${done.status} at block ${done.confirmedHeight}\n`,
    );
  }
}
