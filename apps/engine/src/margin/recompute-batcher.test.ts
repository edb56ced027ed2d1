import { describe, expect, it } from 'vitest';
import type { RecomputeAccountParameters, RecomputeOutcome } from './recompute-account.js';
import { createRecomputeBatcher } from './recompute-batcher.js';
import type { MarginSnapshot } from './snapshot.js';

const req = (i: number): RecomputeAccountParameters => ({
  accountId: `acc_${i}`,
  reason: 'manual',
  requestedAt: i,
});
const snap = (accountId: string) => ({ accountId }) as MarginSnapshot;

/** A batch runner double: records each batch; `gate` holds the running batches until released. */
function runner() {
  const batches: string[][] = [];
  let open: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  return {
    batches,
    hold() {
      gate = new Promise<void>((r) => {
        open = r;
      });
    },
    release() {
      gate = undefined;
      open();
    },
    fail: new Set<string>(),
    throwNext: false,
    async run(requests: readonly RecomputeAccountParameters[]): Promise<RecomputeOutcome[]> {
      batches.push(requests.map((r) => r.accountId));
      if (gate) await gate;
      if (this.throwNext) {
        this.throwNext = false;
        throw new Error('database down');
      }
      return requests.map((r) =>
        this.fail.has(r.accountId)
          ? { ok: false, error: new Error(`bad ${r.accountId}`) }
          : { ok: true, snapshot: snap(r.accountId) },
      );
    },
  };
}

const settle = (p: Promise<MarginSnapshot>) =>
  p.then(
    (s) => `ok ${s.accountId}`,
    (e: Error) => `err ${e.message}`,
  );

describe('recompute batcher', () => {
  it('runs a lone request at once and groups the requests that arrive while batches run', async () => {
    const r = runner();
    const b = createRecomputeBatcher((x) => r.run(x), { maxBatch: 3, maxInFlight: 1 });
    expect(await settle(b.recompute(req(0)))).toBe('ok acc_0');
    expect(r.batches).toEqual([['acc_0']]);

    r.hold();
    const first = b.recompute(req(1));
    await new Promise((res) => setImmediate(res));
    // While acc_1's batch runs, five more arrive: they wait, then go in batches of at most 3.
    const later = [2, 3, 4, 5, 6].map((i) => b.recompute(req(i)));
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toEqual([['acc_0'], ['acc_1']]);
    r.release();
    expect(await Promise.all([first, ...later].map(settle))).toEqual(
      [1, 2, 3, 4, 5, 6].map((i) => `ok acc_${i}`),
    );
    expect(r.batches).toEqual([['acc_0'], ['acc_1'], ['acc_2', 'acc_3', 'acc_4'], ['acc_5', 'acc_6']]);
  });

  it('requests of the same tick share the first batch; at most maxInFlight batches run at once', async () => {
    const r = runner();
    const b = createRecomputeBatcher((x) => r.run(x), { maxBatch: 2, maxInFlight: 2 });
    r.hold();
    const all = [0, 1, 2, 3, 4, 5].map((i) => b.recompute(req(i)));
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toEqual([
      ['acc_0', 'acc_1'],
      ['acc_2', 'acc_3'],
    ]);
    r.release();
    await Promise.all(all);
    expect(r.batches.at(-1)).toEqual(['acc_4', 'acc_5']);
  });

  it('settles each request with its own outcome; a failed batch rejects only its own requests', async () => {
    const r = runner();
    const b = createRecomputeBatcher((x) => r.run(x), { maxBatch: 10, maxInFlight: 1 });
    r.fail.add('acc_1');
    expect(await Promise.all([0, 1, 2].map((i) => settle(b.recompute(req(i)))))).toEqual([
      'ok acc_0',
      'err bad acc_1',
      'ok acc_2',
    ]);
    r.throwNext = true;
    expect(await Promise.all([3, 4].map((i) => settle(b.recompute(req(i)))))).toEqual([
      'err database down',
      'err database down',
    ]);
    // The batcher keeps working after a failed batch.
    expect(await settle(b.recompute(req(5)))).toBe('ok acc_5');
  });
});
