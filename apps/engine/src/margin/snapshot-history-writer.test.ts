import { accountId } from '@xmargin/core';
import type { InsertMarginSnapshotParameters } from '@xmargin/store';
import { describe, expect, it } from 'vitest';
import { createSnapshotHistoryWriter } from './snapshot-history-writer.js';

const row = (i: number): InsertMarginSnapshotParameters => ({
  account: accountId(`acc_w${i}`),
  computedAt: new Date(i),
  inputHash: `h${i}`,
  equity: i,
  initialRequirement: 0,
  maintenanceRequirement: 0,
  result: {},
});

/** A repository double recording each batch; `gate` holds an INSERT in flight until released. */
function recorder() {
  const batches: string[][] = [];
  let release: (() => void) | undefined;
  let failNext = false;
  return {
    batches,
    hold() {
      return new Promise<void>((r) => {
        release = r;
      });
    },
    release: () => release?.(),
    failNext: () => {
      failNext = true;
    },
    gate: undefined as Promise<void> | undefined,
    async insertMany(rows: readonly InsertMarginSnapshotParameters[]) {
      batches.push(rows.map((r) => r.inputHash));
      if (this.gate) await this.gate;
      if (failNext) {
        failNext = false;
        throw new Error('insert failed');
      }
      return rows.length;
    },
  };
}

describe('snapshot history writer', () => {
  it('writes a lone row at once and groups the rows appended while an INSERT is in flight', async () => {
    const repo = recorder();
    const writer = createSnapshotHistoryWriter(repo, 3);
    await writer.append(row(0));
    expect(repo.batches).toEqual([['h0']]);

    repo.gate = repo.hold();
    const first = writer.append(row(1));
    await Promise.resolve();
    await Promise.resolve();
    const later = [2, 3, 4, 5].map((i) => writer.append(row(i)));
    repo.release();
    repo.gate = undefined;
    await Promise.all([first, ...later]);
    // Batches are capped at maxBatch rows.
    expect(repo.batches).toEqual([['h0'], ['h1'], ['h2', 'h3', 'h4'], ['h5']]);
  });

  it('rejects exactly the rows of a failed INSERT and keeps writing the next ones', async () => {
    const repo = recorder();
    const writer = createSnapshotHistoryWriter(repo);
    repo.failNext();
    const failed = writer.append(row(1));
    const alsoFailed = writer.append(row(2));
    await expect(failed).rejects.toThrow('insert failed');
    await expect(alsoFailed).rejects.toThrow('insert failed');
    await expect(writer.append(row(3))).resolves.toBeUndefined();
    expect(repo.batches).toEqual([['h1', 'h2'], ['h3']]);
  });
});
