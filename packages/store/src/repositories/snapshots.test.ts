import { isAppError } from '@xmargin/errors';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

const result = (equity: number) => ({
  equity,
  initialRequirement: 10,
  maintenanceRequirement: 5,
  warnings: [],
});

describeEachDriver('snapshots', ({ store, account }) => {
  it('keeps the history and the latest per account', async () => {
    const acc = await account();
    const s = store().snapshots;
    for (const [i, equity] of [100, 50.5, 2e21].entries()) {
      await s.insert({
        account: acc,
        computedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        inputHash: `h${i}`,
        paramsVersion: 1,
        equity,
        initialRequirement: 10,
        maintenanceRequirement: 5,
        result: result(equity),
      });
    }
    const latest = await s.latest<{ equity: number }>(acc);
    expect(latest).toMatchObject({
      inputHash: 'h2',
      equity: 2e21,
      maintenanceExcess: 2e21 - 5,
      paramsVersion: 1,
    });
    expect(latest?.result.equity).toBe(2e21);
    const history = await s.history(acc);
    expect(history.map((h) => h.inputHash)).toEqual(['h2', 'h1', 'h0']);
    expect(history[1]).toMatchObject({ equity: 50.5, initialExcess: 40.5 });
    expect(
      (await s.history(acc, { before: history[0]!.computedAt, limit: 1 })).map((h) => h.inputHash),
    ).toEqual(['h1']);
    expect(await s.prune(acc, new Date(Date.UTC(2027, 0, 1)))).toBe(2);
    expect((await s.history(acc)).map((h) => h.inputHash)).toEqual(['h2']);
  });

  it("prunes the whole history by age in bounded batches, keeping each account's latest row", async () => {
    const [a, b] = [await account(), await account()];
    const s = store().snapshots;
    const row = (acc: typeof a, day: number) => ({
      account: acc,
      computedAt: new Date(Date.UTC(2026, 1, day)),
      inputHash: `d${day}`,
      equity: day,
      initialRequirement: 1,
      maintenanceRequirement: 1,
      result: result(day),
    });
    await s.insertMany([row(a, 1), row(a, 2), row(a, 3), row(a, 20), row(b, 1)]);
    const cutoff = new Date(Date.UTC(2026, 1, 10));
    expect(await s.pruneBefore(cutoff, 2)).toBe(2);
    expect(await s.pruneBefore(cutoff, 2)).toBe(1);
    expect(await s.pruneBefore(cutoff, 2)).toBe(0);
    expect((await s.history(a)).map((h) => h.inputHash)).toEqual(['d20']);
    // b's only row is old but its latest: kept.
    expect((await s.history(b)).map((h) => h.inputHash)).toEqual(['d1']);
  });

  it('stores the result deflated and still reads rows written as JSONB before migration 2', async () => {
    const acc = await account();
    const s = store().snapshots;
    const doc = { equity: 1.5, nested: { list: [1, 'two', null, true] }, text: 'é ✓' };
    const base = {
      account: acc,
      inputHash: 'h',
      equity: 1.5,
      initialRequirement: 1,
      maintenanceRequirement: 0.5,
    };
    await s.insertMany([{ ...base, computedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 1)), result: doc }]);
    // A row as migration 1 wrote it: JSONB result, no deflated column.
    await store().db.query(
      `INSERT INTO margin_snapshots (account_id, computed_at, input_hash, equity, initial_requirement,
                                     maintenance_requirement, result)
       VALUES ($1, $2, 'legacy', 2, 1, 0.5, $3::jsonb)`,
      [acc, new Date(Date.UTC(2026, 0, 1)), JSON.stringify({ equity: 2, legacy: true })],
    );
    const { rows } = await store().db.query<{ input_hash: string; plain: unknown; packed: boolean }>(
      `SELECT input_hash, result AS plain, result_deflate IS NOT NULL AS packed
       FROM margin_snapshots WHERE account_id = $1 ORDER BY computed_at`,
      [acc],
    );
    expect(rows).toEqual([
      { input_hash: 'legacy', plain: { equity: 2, legacy: true }, packed: false },
      { input_hash: 'h', plain: null, packed: true },
    ]);
    expect((await s.history(acc)).map((h) => h.result)).toEqual([doc, { equity: 2, legacy: true }]);
    // Neither or both columns set is refused, so no row is ever unreadable.
    await expect(
      store().db.query(
        `INSERT INTO margin_snapshots (account_id, computed_at, input_hash, equity, initial_requirement,
                                       maintenance_requirement)
         VALUES ($1, now(), 'none', 0, 0, 0)`,
        [acc],
      ),
    ).rejects.toThrow();
  });

  it('lists the latest snapshot per account, closest to liquidation first', async () => {
    const a = await account();
    const b = await account();
    const s = store().snapshots;
    const at = new Date();
    const base = { inputHash: 'x', initialRequirement: 10, maintenanceRequirement: 5, result: {} };
    await s.insert({ ...base, account: a, computedAt: new Date(at.getTime() - 1000), equity: -1_000_000 });
    await s.insert({ ...base, account: a, computedAt: at, equity: -999_000 });
    await s.insert({ ...base, account: b, computedAt: at, equity: -999_500 });
    const near = await s.listLatest({ maxMaintenanceExcess: -998_000 });
    expect(near.map((r) => [r.account, r.equity])).toEqual([
      [b, -999_500],
      [a, -999_000],
    ]);
  });

  it('appends several snapshots in one statement', async () => {
    const a = await account();
    const b = await account();
    const s = store().snapshots;
    const row = (acc: typeof a, i: number, equity: number) => ({
      account: acc,
      computedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      inputHash: `m${i}`,
      paramsVersion: i === 0 ? null : 2,
      equity,
      initialRequirement: 10,
      maintenanceRequirement: 5,
      result: result(equity),
    });
    expect(await s.insertMany([])).toBe(0);
    expect(await s.insertMany([row(a, 0, 1), row(b, 1, 2.5), row(a, 2, -3)])).toBe(3);
    expect((await s.history(a)).map((h) => [h.inputHash, h.equity, h.paramsVersion])).toEqual([
      ['m2', -3, 2],
      ['m0', 1, null],
    ]);
    expect(await s.latest<{ equity: number }>(b)).toMatchObject({
      inputHash: 'm1',
      maintenanceExcess: -2.5,
      result: { equity: 2.5 },
    });
    // One bad row refuses the whole statement: nothing of it is stored.
    await expect(s.insertMany([row(b, 3, 1), { ...row(b, 4, 1), equity: Number.NaN }])).rejects.toSatisfy(
      (err: unknown) => isAppError(err, 'LEDGER__INVALID_INPUT'),
    );
    expect((await s.history(b)).map((h) => h.inputHash)).toEqual(['m1']);
  });

  it('refuses non-finite figures', async () => {
    const acc = await account();
    try {
      await store().snapshots.insert({
        account: acc,
        computedAt: new Date(),
        inputHash: 'h',
        equity: Number.NaN,
        initialRequirement: 0,
        maintenanceRequirement: 0,
        result: {},
      });
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, 'LEDGER__INVALID_INPUT')).toBe(true);
    }
  });
});
