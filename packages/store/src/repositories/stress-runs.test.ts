import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

describeEachDriver('stressRuns', ({ store }) => {
  it('walks a run from queued to done, with progress, snapshot, document and result', async () => {
    const run = await store().stressRuns.create({
      label: 'eth -25%',
      request: { shocks: { ETH: 0.75 } },
      createdBy: 'ops',
    });
    expect(run).toMatchObject({
      status: 'queued',
      label: 'eth -25%',
      progress: null,
      snapshot: null,
      error: null,
    });
    expect(run.id).toMatch(/^stress_/);
    await store().stressRuns.start(run.id, { asOf: 1, paramsVersion: 3, accountCount: 2 }, [{ code: 'X' }], {
      version: 1,
    });
    await store().stressRuns.progress(run.id, { mode: 'cross', round: 2 });
    expect(await store().stressRuns.get(run.id)).toMatchObject({
      status: 'running',
      progress: { mode: 'cross', round: 2 },
      snapshot: { asOf: 1, paramsVersion: 3, accountCount: 2 },
      warnings: [{ code: 'X' }],
    });
    expect((await store().stressRuns.get(run.id))!.document).toBeUndefined();
    await store().stressRuns.finish(run.id, { version: 1, modes: {} }, { cross: { roundCount: 0 } });
    const full = await store().stressRuns.get(run.id, { full: true });
    expect(full).toMatchObject({
      status: 'done',
      document: { version: 1 },
      result: { version: 1, modes: {} },
    });
    const failed = await store().stressRuns.create({ request: {}, createdBy: 'ops' });
    await store().stressRuns.fail(failed.id, { code: 'RISK__DEPTH_EXHAUSTED', message: 'm' });
    expect((await store().stressRuns.get(failed.id))!.error).toEqual({
      code: 'RISK__DEPTH_EXHAUSTED',
      message: 'm',
    });
    expect(await store().stressRuns.get('stress_unknown')).toBeNull();
  });

  it('lists newest first, paged by the last id', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (
          await store().stressRuns.create({
            id: `stress_page_${i}_${Math.random().toString(36).slice(2)}`,
            request: {},
            createdBy: 'ops',
          })
        ).id,
      );
    const all = (await store().stressRuns.list({ limit: 100 }))
      .map((r) => r.id)
      .filter((id) => ids.includes(id));
    expect(all).toEqual([...ids].reverse());
    const first = await store().stressRuns.list({ limit: 2 });
    const second = await store().stressRuns.list({ limit: 2, before: first[1]!.id });
    expect(second[0]!.createdAt.getTime()).toBeLessThanOrEqual(first[1]!.createdAt.getTime());
    expect(second.map((r) => r.id)).not.toContain(first[1]!.id);
  });

  it('snapshot reads at repeatable read', async () => {
    const level = await store().snapshot(async (tx) => {
      await tx.stressRuns.list({ limit: 1 });
      return 'ok';
    });
    expect(level).toBe('ok');
  });
});
