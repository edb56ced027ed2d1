import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoExpiry,
  demoMarketData,
  type MarginSnapshot,
  type SeedPosition,
  type Stack,
  seedAccount,
  startStack,
  waitFor,
  waitForMargin,
} from './harness/index.js';

const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';

describe('an account hedged across chains is margined as one portfolio', () => {
  let stack: Stack;
  const margins = new Map<string, MarginSnapshot>();

  beforeAll(async () => {
    stack = await startStack({ label: 'hedge', redisUrl: REDIS_URL_TEST, secondEvm: true });
    const now = Math.floor(Date.now() / 1000);
    await stack.oracle.marketData.update(demoMarketData(now));
    const expiry = demoExpiry(now);
    const longCall = (protocol: string): SeedPosition => ({
      protocol,
      position: {
        id: 'call',
        type: 'option',
        underlying: 'ETH',
        expiry,
        strike: 3_000,
        right: 'call',
        quantity: 20,
      },
    });
    const shortPerp = (protocol: string): SeedPosition => ({
      protocol,
      position: { id: 'perp', type: 'perp', underlying: 'ETH', quantity: -10, entryPrice: 3_000 },
    });
    const [a1, a2] = stack.evm.accounts.slice(1, 3);
    const seeded = [
      // The long call reported by an options venue on the EVM devnet, the short perp by a perp venue
      // on Solana, the collateral escrowed on a third chain (the second EVM devnet).
      await seedAccount(stack, {
        id: 'acc_hedged',
        ...(a1 === undefined ? {} : { evmAddress: a1 }),
        vault: [{ chain: 'evm-devnet-2', token: 'USDC', amount: 20_000 }],
        positions: [longCall('optionsx-evm'), shortPerp('perpx-solana')],
      }),
      // The same book with everything on one chain: one protocol, collateral on the EVM devnet.
      await seedAccount(stack, {
        id: 'acc_onechain',
        ...(a2 === undefined ? {} : { evmAddress: a2 }),
        vault: [{ chain: 'evm-devnet', token: 'USDC', amount: 20_000 }],
        positions: [longCall('onechain'), shortPerp('onechain')],
      }),
      // Each position margined in isolation: alone in an account of its own.
      await seedAccount(stack, { id: 'acc_call_alone', positions: [longCall('optionsx-evm')] }),
      await seedAccount(stack, { id: 'acc_perp_alone', positions: [shortPerp('perpx-solana')] }),
    ];
    expect(seeded.reduce((n, s) => n + s.vaultMessages, 0)).toBe(2);
    await stack.startRelayer();
    const reader = await stack.protocol('optionsx-evm');
    for (const id of ['acc_hedged', 'acc_onechain']) {
      margins.set(id, await waitForMargin(reader, id, (m) => m.summary!.equity > 19_000, `${id} collateral`));
    }
    for (const id of ['acc_call_alone', 'acc_perp_alone']) {
      margins.set(id, await waitForMargin(reader, id, (m) => m.summary!.maintenanceRequirement > 0, id));
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('sees the collateral on the third chain and the positions of both protocols', async () => {
    const explain = await (await stack.protocol('optionsx-evm')).margin.explain('acc_hedged');
    expect(explain.chains.map((c) => c.chain)).toEqual(['evm-devnet-2']);
    expect(explain.chains[0]?.assets).toEqual([expect.objectContaining({ asset: 'USDC', amount: 20_000 })]);
    // A protocol sees its own positions itemised and the other protocol's only in aggregate.
    expect(explain.positions.map((p) => p.key)).toEqual(['optionsx-evm/call']);
    expect(explain.otherPositions?.count).toBe(1);
    const full = await stack.engine.admin.margin.explain('acc_hedged');
    expect(full.positions.map((p) => p.key).sort()).toEqual(['optionsx-evm/call', 'perpx-solana/perp']);
  });

  it('requires the same margin as the same book sitting on one chain', async () => {
    // Stored snapshots are computed at slightly different times (option marks decay by the second), so
    // both accounts are evaluated afresh at the same as-of with a no-change what-if.
    const client = await stack.protocol('optionsx-evm');
    const [hedged, one] = await waitFor(
      async () => {
        const pair = await Promise.all([
          client.margin.whatIf('acc_hedged', {}),
          client.margin.whatIf('acc_onechain', {}),
        ]);
        return pair[0].asOf === pair[1].asOf ? pair : undefined;
      },
      { what: 'two what-ifs at the same as-of' },
    );
    expect(hedged.current.maintenanceRequirement).toBeGreaterThan(0);
    expect(hedged.current.initialRequirement).toBeCloseTo(one.current.initialRequirement, 6);
    expect(hedged.current.maintenanceRequirement).toBeCloseTo(one.current.maintenanceRequirement, 6);
    expect(hedged.current.equity).toBeCloseTo(one.current.equity, 6);
    // The stored snapshots agree too, to within the decay between their computation times.
    const stored = [margins.get('acc_hedged')?.summary, margins.get('acc_onechain')?.summary];
    expect(stored[0]?.initialRequirement).toBeCloseTo(stored[1]?.initialRequirement ?? Number.NaN, 0);
  });

  it('requires less than the sum of its positions margined in isolation', () => {
    const hedged = margins.get('acc_hedged')?.summary;
    const call = margins.get('acc_call_alone')?.summary;
    const perp = margins.get('acc_perp_alone')?.summary;
    if (!hedged || !call || !perp) throw new Error('missing margin snapshots');
    expect(hedged.maintenanceRequirement).toBeGreaterThan(0);
    expect(hedged.maintenanceRequirement).toBeLessThan(
      call.maintenanceRequirement + perp.maintenanceRequirement,
    );
    expect(hedged.initialRequirement).toBeLessThan(call.initialRequirement + perp.initialRequirement);
    // The offset is material, not rounding: the delta hedge removes most of the perp's scenario loss.
    expect(hedged.initialRequirement).toBeLessThan(0.8 * (call.initialRequirement + perp.initialRequirement));
  });
});
