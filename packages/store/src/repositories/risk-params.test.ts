import { isAppError } from '@xmargin/errors';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

describeEachDriver('riskParams', ({ store }) => {
  it('proposes drafts, activates one at a time, and audits who, when and what changed', async () => {
    const rp = store().riskParams;
    expect(await rp.getActive()).toBeNull();
    const v1 = await rp.propose({
      params: { preset: 'pmrm-v1-mainnet', overrides: { imFactor: 1.3 } },
      actor: 'alice',
    });
    expect(v1.status).toBe('draft');
    await rp.activate({ version: v1.version, actor: 'bob' });
    const v2 = await rp.propose({
      params: { preset: 'pmrm-v1-mainnet', overrides: { imFactor: 1.5, mmFactor: 1.1 } },
      actor: 'alice',
      note: 'tighten',
    });
    const active = await rp.activate({ version: v2.version, actor: 'carol' });
    expect(active).toMatchObject({
      version: v2.version,
      status: 'active',
      activatedBy: 'carol',
      note: 'tighten',
    });
    expect((await rp.get(v1.version))?.status).toBe('retired');
    expect((await rp.getActive())?.version).toBe(v2.version);
    expect((await rp.list()).filter((v) => v.status === 'active')).toHaveLength(1);

    const audit = await rp.audit();
    expect(audit.map((a) => [a.version, a.action, a.actor])).toEqual([
      [v2.version, 'activate', 'carol'],
      [v1.version, 'retire', 'carol'],
      [v2.version, 'propose', 'alice'],
      [v1.version, 'activate', 'bob'],
      [v1.version, 'propose', 'alice'],
    ]);
    expect(audit[0]?.diff).toEqual([
      { path: '/overrides/imFactor', op: 'replace', before: 1.3, after: 1.5 },
      { path: '/overrides/mmFactor', op: 'add', after: 1.1 },
    ]);
    expect(audit[0]?.at).toBeInstanceOf(Date);
    expect((await rp.audit({ version: v1.version })).map((a) => a.action)).toEqual([
      'retire',
      'activate',
      'propose',
    ]);
    // Activating the active version is a no-op (no new audit row).
    await rp.activate({ version: v2.version, actor: 'dave' });
    expect(await rp.audit()).toHaveLength(5);
  });

  it('LEDGER__NOT_FOUND for an unknown version', async () => {
    try {
      await store().riskParams.activate({ version: 987654, actor: 'x' });
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, 'LEDGER__NOT_FOUND')).toBe(true);
    }
  });

  it('concurrent activations leave exactly one active version', async () => {
    const rp = store().riskParams;
    const drafts = await Promise.all(
      [1, 2, 3].map((n) => rp.propose({ params: { imFactor: n }, actor: 'a' })),
    );
    await Promise.all(drafts.map((d) => rp.activate({ version: d.version, actor: 'b' })));
    expect((await rp.list({ limit: 1000 })).filter((v) => v.status === 'active')).toHaveLength(1);
  });
});
