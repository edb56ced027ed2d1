import { isAppError } from '@xmargin/errors';
import { expect, it } from 'vitest';
import { describeEachDriver, freshAccountId } from '../../test/store-fixture.js';

describeEachDriver('accounts and link challenges', ({ store, account }) => {
  it('creates, gets, ensures and lists accounts', async () => {
    const id = freshAccountId();
    const created = await store().accounts.create({ id, label: 'desk 1' });
    expect(created).toMatchObject({ id, label: 'desk 1' });
    expect((await store().accounts.get(id))?.label).toBe('desk 1');
    await expect(store().accounts.create({ id })).rejects.toSatisfy(
      (e) => isAppError(e, 'LEDGER__CONFLICT') && e.context.entity === 'account',
    );
    expect((await store().accounts.ensure({ id, label: 'ignored' })).label).toBe('desk 1');
    const other = freshAccountId();
    expect((await store().accounts.ensure({ id: other })).id).toBe(other);
    const listed = await store().accounts.list({ limit: 10_000 });
    expect(listed.map((a) => a.id)).toEqual(expect.arrayContaining([id, other]));
    expect(listed.map((a) => a.id)).toEqual([...listed.map((a) => a.id)].sort());
    const page = await store().accounts.list({ after: id, limit: 10_000 });
    expect(page.every((a) => a.id > id)).toBe(true);
    expect(await store().accounts.get(freshAccountId())).toBeNull();
    const missing = freshAccountId();
    expect(await store().accounts.existing([id, missing, other, id])).toEqual(new Set([id, other]));
    expect(await store().accounts.existing([])).toEqual(new Set());
    await expect(store().accounts.require(freshAccountId())).rejects.toSatisfy((e) =>
      isAppError(e, 'LEDGER__NOT_FOUND'),
    );
  });

  it('lists accounts with their latest margin, filtered by grant and by maintenance excess', async () => {
    const [a, b, c] = [await account(), await account(), await account()].sort();
    const protocol = `proto_${a!.slice(4, 12)}`;
    await store().grants.grant({ account: a!, protocol, grantedBy: 'test' });
    await store().grants.grant({ account: c!, protocol, grantedBy: 'test' });
    await store().grants.revoke({ account: c!, protocol, revokedBy: 'test' });
    const base = { inputHash: 'x', initialRequirement: 10, maintenanceRequirement: 5, result: {} };
    const at = new Date();
    await store().snapshots.insert({ ...base, account: a!, computedAt: new Date(+at - 1000), equity: 1 });
    await store().snapshots.insert({ ...base, account: a!, computedAt: at, equity: -7e9 });
    await store().snapshots.insert({ ...base, account: b!, computedAt: at, equity: -6e9 });

    const granted = await store().accounts.listWithMargin({ grantedTo: protocol, limit: 10 });
    expect(granted.map((r) => r.id)).toEqual([a]);
    expect(granted[0]?.margin).toMatchObject({
      equity: -7e9,
      maintenanceExcess: -7e9 - 5,
      initialExcess: -7e9 - 10,
    });

    // Far below any other test's accounts: only these two, in id order, paged by `after`.
    const low = await store().accounts.listWithMargin({ maxMaintenanceExcess: -5e9, limit: 10_000 });
    expect(low.map((r) => r.id)).toEqual([a, b]);
    const next = await store().accounts.listWithMargin({ maxMaintenanceExcess: -5e9, after: a!, limit: 1 });
    expect(next.map((r) => r.id)).toEqual([b]);
    const all = await store().accounts.listWithMargin({ after: b!, limit: 10_000 });
    expect(all.find((r) => r.id === c)?.margin).toBeNull();
  });

  it('links an address to one account per chain', async () => {
    const a = await account();
    const b = await account();
    const address = `0x${a.slice(4, 10).padEnd(40, '0')}`;
    await store().accounts.linkAddress({ account: a, chain: 'ethereum', address });
    // Idempotent for the owner, a conflict for anyone else, independent per chain.
    await store().accounts.linkAddress({ account: a, chain: 'ethereum', address });
    await expect(store().accounts.linkAddress({ account: b, chain: 'ethereum', address })).rejects.toSatisfy(
      (e) => isAppError(e, 'LEDGER__CONFLICT'),
    );
    await store().accounts.linkAddress({ account: b, chain: 'arbitrum', address });
    expect(await store().accounts.findByAddress('ethereum', address)).toBe(a);
    expect(await store().accounts.findByAddress('arbitrum', address)).toBe(b);
    expect((await store().accounts.addresses(a)).map((l) => l.chain)).toEqual(['ethereum']);
    expect(await store().accounts.unlinkAddress({ account: b, chain: 'ethereum', address })).toBe(false);
    expect(await store().accounts.unlinkAddress({ account: a, chain: 'ethereum', address })).toBe(true);
    expect(await store().accounts.findByAddress('ethereum', address)).toBeNull();
  });

  it('linking to an unknown account is LEDGER__NOT_FOUND', async () => {
    await expect(
      store().accounts.linkAddress({ account: freshAccountId(), chain: 'solana', address: 'So1anaAddr' }),
    ).rejects.toSatisfy((e) => isAppError(e, 'LEDGER__NOT_FOUND'));
  });

  it('consumes a link challenge once, and only before it expires', async () => {
    const acc = await account();
    const now = new Date('2026-01-01T00:00:00Z');
    const nonce = `n-${acc}`;
    await store().challenges.create({
      nonce,
      account: acc,
      chain: 'ethereum',
      address: '0xabc',
      message: `link ${nonce}`,
      expiresAt: new Date(now.getTime() + 60_000),
    });
    expect((await store().challenges.get(nonce))?.consumedAt).toBeNull();
    const [first, second] = await Promise.all([
      store().challenges.consume(nonce, now),
      store().challenges.consume(nonce, now),
    ]);
    expect([first, second].filter((c) => c !== null)).toHaveLength(1);
    expect((await store().challenges.get(nonce))?.consumedAt).toEqual(now);

    const late = `late-${acc}`;
    await store().challenges.create({
      nonce: late,
      account: acc,
      chain: 'solana',
      address: 'x',
      message: 'm',
      expiresAt: now,
    });
    expect(await store().challenges.consume(late, now)).toBeNull();
    expect(await store().challenges.purgeExpired(new Date(now.getTime() + 1))).toBeGreaterThanOrEqual(1);
    expect(await store().challenges.get(late)).toBeNull();
    await expect(
      store().challenges.create({
        nonce,
        account: acc,
        chain: 'x',
        address: 'y',
        message: 'm',
        expiresAt: now,
      }),
    ).rejects.toSatisfy((e) => isAppError(e, 'LEDGER__CONFLICT'));
  });
});
