import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketData, seedBalance } from '../../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

let t: TestEngine;
let base: string;
let protocol: string;

beforeAll(async () => {
  t = await startTestEngine('stream', { role: 'all', env: { MARGIN_THRESHOLDS: '0,45000' } });
  base = await t.engine.listen(0);
  protocol = await t.key('protocol', 'proto_a');
  await fetch(`${base}/v1/market-data`, {
    method: 'PUT',
    headers: { ...bearer(t.adminKey), 'content-type': 'application/json' },
    body: JSON.stringify(marketData()),
  });
  for (const id of ['acc_s1', 'acc_s2']) {
    await fetch(`${base}/v1/accounts`, {
      method: 'POST',
      headers: { ...bearer(protocol), 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: id }),
    });
    await seedBalance(t.engine.context.store, id, {
      chain: 'evm-devnet',
      asset: 'USDC',
      amount: 50_000_000_000n,
      decimals: 6,
    });
  }
});
afterAll(() => t.close());

interface SseEvent {
  event: string;
  data: {
    type?: string;
    accountId: string;
    crossing?: { metric: string; threshold: number; direction: string };
  };
}

/** Opens an SSE stream and collects parsed events until `done` says so. */
async function collect(
  url: string,
  key: string,
  done: (events: SseEvent[]) => boolean,
  act: () => Promise<void>,
) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: bearer(key), signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  const first = await reader.read(); // ": connected"
  buffer += decoder.decode(first.value);
  await act();
  const deadline = Date.now() + 15_000;
  while (!done(events) && Date.now() < deadline) {
    const { value, done: end } = await reader.read();
    if (end) break;
    buffer += decoder.decode(value, { stream: true });
    let i = buffer.indexOf('\n\n');
    while (i >= 0) {
      const block = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
      i = buffer.indexOf('\n\n');
    }
  }
  controller.abort();
  return events;
}

const postPositions = (account: string, positions: unknown[]) =>
  fetch(`${base}/v1/accounts/${account}/positions`, {
    method: 'POST',
    headers: { ...bearer(protocol), 'content-type': 'application/json' },
    body: JSON.stringify({ positions, replace: true }),
  });

describe('GET /v1/stream/margin', () => {
  it('streams margin updates of one account and threshold crossings (configured and per-subscriber)', async () => {
    const events = await collect(
      `${base}/v1/stream/margin?accountId=acc_s1&thresholds=10000`,
      protocol,
      // Until the four downward crossings arrive: on a loaded machine the first publish (from the empty
      // account) may come late and add upward crossings first.
      (ev) => {
        const seen = new Set(
          ev
            .filter((e) => e.event === 'threshold')
            .map(
              (e) => `${e.data.crossing?.metric}:${e.data.crossing?.threshold}:${e.data.crossing?.direction}`,
            ),
        );
        return [
          'maintenanceExcess:0:down',
          'maintenanceExcess:45000:down',
          'maintenanceExcess:10000:down',
          'initialExcess:0:down',
        ].every((c) => seen.has(c));
      },
      async () => {
        await postPositions('acc_s1', [
          { id: 'small', type: 'perp', underlying: 'ETH', quantity: 1, entryPrice: 2000 },
        ]);
        // Let the first recompute land before the position that sinks the account below zero.
        await new Promise((r) => setTimeout(r, 700));
        await postPositions('acc_s1', [
          { id: 'huge', type: 'perp', underlying: 'ETH', quantity: -300, entryPrice: 2000 },
        ]);
      },
    );
    expect(events.every((e) => e.data.accountId === 'acc_s1')).toBe(true);
    expect(events.filter((e) => e.event === 'margin').length).toBeGreaterThanOrEqual(2);
    const crossings = events
      .filter((e) => e.event === 'threshold')
      .map((e) => `${e.data.crossing?.metric}:${e.data.crossing?.threshold}:${e.data.crossing?.direction}`);
    expect(crossings).toEqual(
      expect.arrayContaining([
        'maintenanceExcess:0:down',
        'maintenanceExcess:45000:down',
        'maintenanceExcess:10000:down',
        'initialExcess:0:down',
      ]),
    );
  });

  it('admin streams the whole book; other roles must name an account', async () => {
    const events = await collect(
      `${base}/v1/stream/margin`,
      t.adminKey,
      (ev) => new Set(ev.filter((e) => e.event === 'margin').map((e) => e.data.accountId)).size >= 2,
      async () => {
        await postPositions('acc_s1', [
          { id: 'a', type: 'perp', underlying: 'ETH', quantity: 2, entryPrice: 2000 },
        ]);
        await postPositions('acc_s2', [
          { id: 'b', type: 'perp', underlying: 'SOL', quantity: 2, entryPrice: 150 },
        ]);
      },
    );
    expect(new Set(events.map((e) => e.data.accountId))).toEqual(new Set(['acc_s1', 'acc_s2']));
    const forbidden = await fetch(`${base}/v1/stream/margin`, { headers: bearer(protocol) });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('API__FORBIDDEN');
    const unknown = await fetch(`${base}/v1/stream/margin?accountId=acc_nope`, { headers: bearer(protocol) });
    expect(unknown.status).toBe(404);
    const anon = await fetch(`${base}/v1/stream/margin?accountId=acc_s1`);
    expect(anon.status).toBe(401);
    const bad = await fetch(`${base}/v1/stream/margin?accountId=acc_s1&thresholds=abc`, {
      headers: bearer(protocol),
    });
    expect(bad.status).toBe(400);
  });
});
