import { createXmarginClient } from '@xmargin/client';
import { accountId } from '@xmargin/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareEventIds } from '../../stream/event-log.js';
import { putMarketData, seedBalance, waitFor } from '../../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

// Durable margin events: a worker process keeps publishing while the API process is down; a subscriber
// reconnecting to a new API process with its last event id gets what it missed, then live events.
let worker: TestEngine;
let protocol: string;
const ACC = 'acc_replay';

interface SseMessage {
  id: string | undefined;
  event: string;
  data: {
    type?: string;
    accountId?: string;
    code?: string;
    crossing?: { metric: string; direction: string };
  };
}

/** Opens an SSE stream and collects messages until `done` says so (or 15 s pass). */
async function collect(
  url: string,
  headers: Record<string, string>,
  done: (m: SseMessage[]) => boolean,
  act: () => Promise<void> = async () => undefined,
) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const messages: SseMessage[] = [];
  let buffer = '';
  // Parses every complete message received so far (the first chunk may already hold some).
  const parse = () => {
    for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) messages.push({ id: /^id: (.*)$/m.exec(block)?.[1], event, data: JSON.parse(data) });
    }
  };
  buffer += decoder.decode((await reader.read()).value, { stream: true }); // ": connected", maybe more
  parse();
  await act();
  const deadline = Date.now() + 15_000;
  while (!done(messages) && Date.now() < deadline) {
    const { value, done: end } = await reader.read();
    if (end) break;
    buffer += decoder.decode(value, { stream: true });
    parse();
  }
  controller.abort();
  return messages;
}

const startApi = () =>
  startTestEngine('replay-api', {
    role: 'api',
    share: { prefix: worker.prefix, schema: worker.schema },
    env: { MARGIN_THRESHOLDS: '0' },
  });

/** Replaces the account's positions in the ledger and tells its shard owner (no API involved). */
async function setPositions(quantity: number) {
  const { store, shardEvents } = worker.engine.context;
  await store.positions.replace({
    protocol: 'proto_a',
    account: accountId(ACC),
    positions: [
      {
        positionId: 'p',
        underlying: 'ETH',
        doc: { type: 'perp', underlying: 'ETH', quantity, entryPrice: 2000 },
      },
    ],
  });
  const at = Date.now();
  await shardEvents.accountsChanged([ACC], at);
  return at;
}

const viewSince = (at: number) =>
  waitFor(async () => {
    const v = await worker.engine.context.marginCache.getView(ACC);
    return v && v.requestedAt >= at ? v : undefined;
  }, 30_000);

beforeAll(async () => {
  worker = await startTestEngine('replay', { role: 'worker', env: { MARGIN_THRESHOLDS: '0' } });
  protocol = await worker.key('protocol', 'proto_a');
  const { store } = worker.engine.context;
  await putMarketData(store);
  await worker.engine.context.shardEvents.marketChanged(Date.now());
  await store.accounts.create({ id: accountId(ACC) });
  await seedBalance(store, ACC, { chain: 'evm-devnet', asset: 'USDC', amount: 50_000_000_000n, decimals: 6 });
  await viewSince(await setPositions(1));
}, 60_000);
afterAll(() => worker.close());

describe('margin stream replay (Last-Event-ID)', () => {
  it('replays a threshold crossing raised while the API process was down, then goes on live', async () => {
    const first = await startApi();
    const base1 = await first.engine.listen(0);
    // Connected: a snapshot, then one live margin event; remember its id as a browser would.
    const before = await collect(
      `${base1}/v1/stream/margin?accountId=${ACC}`,
      bearer(protocol),
      (m) => m.some((x) => x.event === 'margin'),
      async () => {
        await setPositions(2);
      },
    );
    expect(before[0]?.event).toBe('snapshot');
    expect(before.every((m) => m.id !== undefined && /^\d+-\d+$/.test(m.id))).toBe(true);
    const lastId = before.findLast((m) => m.event === 'margin')!.id!;
    await first.close();

    // While no API process runs, the account sinks below maintenance.
    await viewSince(await setPositions(-300));

    const second = await startApi();
    const base2 = await second.engine.listen(0);
    const replayed = await collect(
      `${base2}/v1/stream/margin?accountId=${ACC}`,
      { ...bearer(protocol), 'last-event-id': lastId },
      (m) => m.some((x) => x.event === 'threshold') && m.filter((x) => x.event === 'margin').length >= 2,
      async () => {
        // A live change after the replay.
        await setPositions(-301);
      },
    );
    const crossings = replayed
      .filter((m) => m.event === 'threshold')
      .map((m) => `${m.data.crossing?.metric}:${m.data.crossing?.direction}`);
    expect(crossings).toContain('maintenanceExcess:down');
    // A replay, not a fresh subscription: no snapshot, nothing at or before the last id, none twice.
    expect(replayed.some((m) => m.event === 'snapshot' || m.event === 'missed')).toBe(false);
    const ids = replayed.map((m) => m.id!);
    expect(ids.every((id) => compareEventIds(id, lastId) > 0)).toBe(true);
    expect(ids.every((id, i) => i === 0 || compareEventIds(ids[i - 1]!, id) < 0)).toBe(true);
    expect(replayed.every((m) => m.data.accountId === ACC)).toBe(true);

    // Browsers that cannot set the header pass lastEventId; the same events come back.
    const viaQuery = await collect(
      `${base2}/v1/stream/margin?accountId=${ACC}&lastEventId=${lastId}`,
      bearer(protocol),
      (m) => m.length >= ids.length,
    );
    expect(viaQuery.slice(0, ids.length).map((m) => m.id)).toEqual(ids);
    // So does @xmargin/client.
    const client = createXmarginClient({ baseUrl: base2, apiKey: protocol });
    const events = await client.stream.margin({ accountId: ACC, lastEventId: lastId });
    expect((await events.next()).value).toMatchObject({ id: ids[0], event: replayed[0]!.event });
    await events.return(undefined);

    // An id the log does not cover: `missed` with its code, then the current margin.
    const gone = await collect(
      `${base2}/v1/stream/margin?accountId=${ACC}`,
      { ...bearer(protocol), 'last-event-id': '99999999999999-0' },
      (m) => m.some((x) => x.event === 'snapshot'),
    );
    expect(gone[0]).toMatchObject({ event: 'missed', data: { code: 'API__EVENTS_MISSED' } });
    expect(gone[1]?.event).toBe('snapshot');
    await second.close();
  }, 120_000);
});
