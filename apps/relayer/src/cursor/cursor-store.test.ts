import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileCursorStore, createMemoryCursorStore } from './cursor-store.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'xmargin-relayer-cursors-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('cursor stores', () => {
  it('memory store loads what it saved', async () => {
    const s = createMemoryCursorStore({ a: 1n });
    expect(await s.load('a')).toBe(1n);
    expect(await s.load('b')).toBeUndefined();
    await s.save('b', 2n ** 64n - 1n);
    expect(s.snapshot()).toEqual({ a: 1n, b: 2n ** 64n - 1n });
  });

  it('file store survives a restart, creating its folder, with u64 cursors exact', async () => {
    const path = join(tmp(), 'nested', 'cursors.json');
    const first = createFileCursorStore(path);
    expect(await first.load('2/00ab')).toBeUndefined();
    await Promise.all([first.save('2/00ab', 7n), first.save('1/ff', 18_446_744_073_709_551_615n)]);
    const second = createFileCursorStore(path);
    expect(await second.load('2/00ab')).toBe(7n);
    expect(await second.load('1/ff')).toBe(18_446_744_073_709_551_615n);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ '2/00ab': '7', '1/ff': '18446744073709551615' });
  });

  it('file store rejects a corrupt file with CONFIG__INVALID', async () => {
    const path = join(tmp(), 'cursors.json');
    writeFileSync(path, '{"2/00ab": 7}');
    await expect(createFileCursorStore(path).load('2/00ab')).rejects.toMatchObject({
      code: 'CONFIG__INVALID',
    });
  });
});
