import { demoBook } from '../../../scripts/demo/book.js';
import { demoExpiry, demoMarketData, type Stack, seedAccount, waitFor } from '../harness/index.js';

/** Extra accounts beyond the demo's five, so the accounts table has more than one page. */
export const BULK_ACCOUNTS = 40;

interface BookAccountsPage {
  total: number;
  accounts: { accountId: string; positions: number; computedAt: number | null }[];
}

/**
 * The demo's book (same accounts, deposits, Solana balances and positions, attested through the
 * relayer), plus BULK_ACCOUNTS smaller accounts with perp and option positions and no collateral.
 * Returns once every account is margined with all its collateral and positions.
 */
export async function seedConsoleBook(stack: Stack): Promise<{ ids: string[] }> {
  const now = Math.floor(Date.now() / 1000);
  await stack.oracle.marketData.update(demoMarketData(now));
  const book = demoBook(now);
  const queries = [];
  for (const [i, account] of book.entries()) {
    const address = stack.evm.accounts[i + 1];
    const seeded = await seedAccount(stack, {
      ...account,
      ...(address === undefined ? {} : { evmAddress: address }),
    });
    if (seeded.query) queries.push(seeded.query);
  }
  const perpx = await stack.protocol('perpx');
  const optionsx = await stack.protocol('optionsx');
  const expiry = demoExpiry(now);
  const bulk: { id: string; positions: number }[] = [];
  for (let i = 0; i < BULK_ACCOUNTS; i++) {
    const id = `acc_bulk_${String(i).padStart(2, '0')}`;
    await perpx.accounts.create({ accountId: id });
    await perpx.positions.upsert(id, {
      positions: [
        {
          id: 'perp',
          type: 'perp',
          underlying: i % 3 === 0 ? 'SOL' : 'ETH',
          quantity: (i % 7) - 3 || 1,
          entryPrice: i % 3 === 0 ? 150 : 3_000,
        },
      ],
    });
    let positions = 1;
    if (i % 2 === 0) {
      // perpx opened the account; an operator grants optionsx (no linked address to sign here).
      const granted = await fetch(`${stack.engine.url}/v1/accounts/${id}/grants/optionsx`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stack.engine.adminKey}` },
      });
      if (!granted.ok) throw new Error(`grant optionsx on ${id}: ${granted.status} ${await granted.text()}`);
      await optionsx.positions.upsert(id, {
        positions: [
          {
            id: 'call',
            type: 'option',
            underlying: 'ETH',
            expiry,
            strike: 2_800 + i * 20,
            right: 'call',
            quantity: 1 + (i % 4),
          },
        ],
      });
      positions++;
    }
    bulk.push({ id, positions });
  }
  await stack.startRelayer({ queries });

  const expected = new Map<string, { positions: number; chains: string[] }>();
  for (const a of book) {
    const chains = new Set<string>((a.vault ?? []).map((v) => v.chain));
    if ((a.solanaUsdc ?? 0) > 0) chains.add('solana-devnet');
    expected.set(a.id, { positions: a.positions.length, chains: [...chains] });
  }
  for (const b of bulk) expected.set(b.id, { positions: b.positions, chains: [] });
  const headers = { authorization: `Bearer ${stack.engine.adminKey}` };
  await waitFor(
    async () => {
      const page = (await (
        await fetch(`${stack.engine.url}/v1/admin/book/accounts?limit=500`, { headers })
      ).json()) as BookAccountsPage;
      if (page.total !== expected.size) return undefined;
      for (const a of page.accounts) {
        if (a.positions !== expected.get(a.accountId)?.positions) return undefined;
      }
      for (const [id, e] of expected) {
        if (e.chains.length === 0) continue;
        const margin = (await (
          await fetch(`${stack.engine.url}/v1/accounts/${id}/margin`, { headers })
        ).json()) as {
          freshness?: { chain: string }[];
        };
        const chains = new Set((margin.freshness ?? []).map((f) => f.chain));
        if (!e.chains.every((c) => chains.has(c))) return undefined;
      }
      return true;
    },
    {
      what: 'the console book margined with all its collateral and positions',
      timeoutMs: 120_000,
      intervalMs: 500,
    },
  );
  return { ids: [...expected.keys()] };
}
