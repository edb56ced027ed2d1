import { isAppError } from '@xmargin/errors';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

describeEachDriver('adminAudit', ({ store }) => {
  it('records actions and lists them newest first, paged and filtered by action prefix', async () => {
    const a = await store().adminAudit.record({ actor: 'ops', action: 'job.retry', target: 'q/1' });
    const b = await store().adminAudit.record({
      actor: 'ops',
      action: 'stress.start',
      target: 'stress_1',
      detail: 'eth -25%',
    });
    const c = await store().adminAudit.record({
      actor: 'root',
      action: 'job.retry-all',
      target: 'q',
      detail: '3 jobs',
    });
    expect(a).toMatchObject({ actor: 'ops', action: 'job.retry', target: 'q/1', detail: '' });
    expect(a.at).toBeInstanceOf(Date);
    expect((await store().adminAudit.list()).map((e) => e.id)).toEqual([c.id, b.id, a.id]);
    expect((await store().adminAudit.list({ limit: 1, before: c.id })).map((e) => e.action)).toEqual([
      'stress.start',
    ]);
    expect((await store().adminAudit.list({ actionPrefix: 'job.' })).map((e) => e.target)).toEqual([
      'q',
      'q/1',
    ]);
  });

  it('refuses an entry without actor or action with LEDGER__INVALID_INPUT', async () => {
    const before = (await store().adminAudit.list()).length;
    for (const bad of [
      { actor: '', action: 'job.retry', target: 'x' },
      { actor: 'ops', action: '', target: 'x' },
    ]) {
      await expect(store().adminAudit.record(bad)).rejects.toSatisfy((e) =>
        isAppError(e, 'LEDGER__INVALID_INPUT'),
      );
    }
    expect(await store().adminAudit.list()).toHaveLength(before);
  });
});
