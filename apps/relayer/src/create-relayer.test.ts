import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserializeVaa } from '@xmargin/attestation';
import type { XmarginClient } from '@xmargin/client';
import { createXmarginClient } from '@xmargin/client';
import { type DevnetGuardians, type EvmDevnet, startDevnetGuardians, startEvmDevnet } from '@xmargin/devnet';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayer, type Relayer } from './create-relayer.js';
import { createMemoryCursorStore } from './cursor/cursor-store.js';
import type { RelayerEvent } from './events.js';
import { linkedAccount, registerDevnet } from './test-support/devnet-setup.js';
import { startTestEngine, type TestEngine } from './test-support/start-test-engine.js';
import { emitterKey } from './vaa/emitter-watcher.js';

let evm: EvmDevnet;
let guardians: DevnetGuardians;
let t: TestEngine;
let relayerClient: XmarginClient;
let trader1: Address;
let trader2: Address;
let stranger: Address;
const relayers: Relayer[] = [];
const extraGuardians: DevnetGuardians[] = [];

beforeAll(async () => {
  evm = await startEvmDevnet();
  [guardians, t] = await Promise.all([
    startDevnetGuardians({ evmRpcUrl: evm.rpcUrl, coreBridge: evm.contracts.coreBridge, pollIntervalMs: 20 }),
    startTestEngine('vaa'),
  ]);
  await registerDevnet(t.admin, evm);
  relayerClient = await t.client('relayer');
  [, trader1 = '0x', trader2 = '0x', stranger = '0x'] = evm.accounts;
  await linkedAccount(t.admin, evm, 'acc_trader1', trader1);
  await linkedAccount(t.admin, evm, 'acc_trader2', trader2);
  for (const a of [trader1, trader2, stranger])
    await evm.mint({ token: 'USDC', to: a, amount: 100_000_000n });
});

afterAll(async () => {
  await Promise.all(relayers.map((r) => r.stop()));
  await Promise.all([...extraGuardians, guardians].map((g) => g?.stop()));
  await t?.close();
  await evm?.stop();
});

const vault = () => evm.contracts.vault;
const key = () => emitterKey(2, vault());

function relayerWith(opts: {
  cursors?: Record<string, bigint>;
  guardianUrl?: string;
  engine?: XmarginClient;
  retryBaseMs?: number;
}) {
  const events: RelayerEvent[] = [];
  const cursorStore = createMemoryCursorStore(opts.cursors ?? {});
  const relayer = createRelayer({
    engine: opts.engine ?? relayerClient,
    guardian: opts.guardianUrl ?? guardians.url,
    emitters: [{ chain: 2, emitter: vault() }],
    cursorStore,
    pollIntervalMs: 20,
    retryBaseMs: opts.retryBaseMs ?? 1,
    retryMaxMs: 20,
    vaa: { gapProbeWindow: 4, gapProbeEveryMs: 0 },
    onEvent: (e) => events.push(e),
  });
  relayers.push(relayer);
  return { relayer, events, cursorStore };
}

const posted = (events: RelayerEvent[]) =>
  events.flatMap((e) =>
    e.type === 'vaa-posted' ? [{ sequence: e.sequence, outcome: e.outcome, code: e.code }] : [],
  );

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function depositAndWait(from: Address, amount: bigint, sequence: bigint) {
  const tx = await evm.deposit({ from, token: 'USDC', amount });
  const vaa = await guardians.waitForVaa(2, vault(), sequence, 10_000);
  return { tx, replayKey: deserializeVaa(vaa).replayKey };
}

describe('relayer against the devnet guardians and the engine', () => {
  it('delivers a vault deposit VAA, which the engine applies, and advances the cursor', async () => {
    const { replayKey } = await depositAndWait(trader1, 2_000_000n, 0n);
    const { relayer, events, cursorStore } = relayerWith({});
    await relayer.runOnce();
    expect(posted(events)).toEqual([{ sequence: 0n, outcome: 'accepted', code: undefined }]);
    expect(cursorStore.snapshot()).toEqual({ [key()]: 1n });
    expect(await t.engine.context.store.attestations.has(replayKey)).toBe(true);
    const metrics = await relayer.metrics.registry.metrics();
    expect(metrics).toContain('xmargin_relayer_posts_total{kind="vaa",outcome="accepted"} 1');
    expect(metrics).toMatch(
      /xmargin_relayer_emitter_next_sequence\{chain="2",emitter="0x0{24}[0-9a-f]{40}"\} 1/,
    );
    // Nothing new: a second round posts nothing.
    await relayer.runOnce();
    expect(posted(events)).toHaveLength(1);
  });

  it('treats a replay answered as a no-op as delivered and does not post it again', async () => {
    const { relayer, events, cursorStore } = relayerWith({});
    await relayer.runOnce();
    await relayer.runOnce();
    expect(posted(events)).toEqual([{ sequence: 0n, outcome: 'duplicate', code: undefined }]);
    expect(cursorStore.snapshot()).toEqual({ [key()]: 1n });
    expect(await relayer.metrics.registry.metrics()).toContain(
      'xmargin_relayer_posts_total{kind="vaa",outcome="duplicate"} 1',
    );
  });

  it('records a VAA the engine rejects for good and moves on instead of retrying it', async () => {
    await depositAndWait(stranger, 1_000_000n, 1n);
    const { relayer, events, cursorStore } = relayerWith({ cursors: { [key()]: 1n } });
    await relayer.runOnce();
    await relayer.runOnce();
    expect(posted(events)).toEqual([
      { sequence: 1n, outcome: 'rejected', code: 'API__UNSUPPORTED_ATTESTATION' },
    ]);
    expect(cursorStore.snapshot()).toEqual({ [key()]: 2n });
    expect(relayer.status().emitters[0]?.rejected).toEqual([
      { sequence: '1', code: 'API__UNSUPPORTED_ATTESTATION' },
    ]);
  });

  it('detects a sequence the guardians missed, delivers the later one, and back-fills the gap', async () => {
    const first = await depositAndWait(trader2, 3_000_000n, 2n);
    const second = await depositAndWait(trader1, 4_000_000n, 3n);
    // A guardian endpoint that started watching after sequence 2: it signed 3 but not 2.
    const late = await startDevnetGuardians({
      evmChains: [
        {
          rpcUrl: evm.rpcUrl,
          wormholeChainId: 2,
          coreBridge: evm.contracts.coreBridge,
          fromBlock: first.tx.blockNumber + 1n,
        },
      ],
    });
    extraGuardians.push(late);
    await late.waitForVaa(2, vault(), 3n, 10_000);
    expect(late.getVaa(2, vault(), 2n)).toBeUndefined();

    const { relayer, events, cursorStore } = relayerWith({ cursors: { [key()]: 2n }, guardianUrl: late.url });
    await relayer.runOnce();
    expect(events).toContainEqual({
      type: 'gap-detected',
      chain: 2,
      emitter: expect.any(String),
      sequences: [2n],
    });
    expect(posted(events)).toEqual([{ sequence: 3n, outcome: 'accepted', code: undefined }]);
    expect(await t.engine.context.store.attestations.has(second.replayKey)).toBe(true);
    expect(relayer.status().emitters[0]).toMatchObject({ next: '2', high: '4', gaps: ['2'] });
    // The cursor stays at the gap, so a restart would not skip it.
    expect(cursorStore.snapshot()).toEqual({ [key()]: 2n });

    // Still missing: retried, not skipped.
    await relayer.runOnce();
    expect(relayer.status().emitters[0]?.gaps).toEqual(['2']);

    // The guardian endpoint catches up (restarted with the full history, same address).
    const port = Number(new URL(late.url).port);
    await late.stop();
    const caughtUp = await startDevnetGuardians({
      evmRpcUrl: evm.rpcUrl,
      coreBridge: evm.contracts.coreBridge,
      port,
    });
    extraGuardians.push(caughtUp);
    await caughtUp.waitForVaa(2, vault(), 2n, 10_000);
    await expect
      .poll(
        async () => {
          await relayer.runOnce();
          return relayer.status().emitters[0]?.gaps;
        },
        { timeout: 5_000, interval: 20 },
      )
      .toEqual([]);
    expect(events).toContainEqual({
      type: 'gap-filled',
      chain: 2,
      emitter: expect.any(String),
      sequence: 2n,
    });
    expect(posted(events)).toEqual([
      { sequence: 3n, outcome: 'accepted', code: undefined },
      { sequence: 2n, outcome: 'accepted', code: undefined },
    ]);
    expect(await t.engine.context.store.attestations.has(first.replayKey)).toBe(true);
    expect(cursorStore.snapshot()).toEqual({ [key()]: 4n });
  });

  it('keeps its cursor while the engine is unreachable and delivers once it answers', async () => {
    const port = await freePort();
    const downUrl = `http://127.0.0.1:${port}`;
    // The engine "comes back" at the address the relayer uses once `up` is set.
    let up = false;
    const engineKey =
      (await t.admin.admin.createApiKey({ name: 'relayer outage', role: 'relayer' })).secret ?? '';
    const flaky = createXmarginClient({
      baseUrl: downUrl,
      apiKey: engineKey,
      retries: 0,
      fetch: (input, init) => fetch(up ? String(input).replace(downUrl, t.url) : input, init),
    });
    const before = await depositAndWait(trader2, 500_000n, 4n);
    const { relayer, events, cursorStore } = relayerWith({ cursors: { [key()]: 4n }, engine: flaky });
    await relayer.runOnce();
    expect(events).toContainEqual(expect.objectContaining({ type: 'error', code: 'CLIENT__NETWORK_ERROR' }));
    expect(posted(events)).toEqual([]);
    expect(cursorStore.snapshot()).toEqual({ [key()]: 4n });
    expect(relayer.status().emitters[0]?.lastError).toContain('ECONNREFUSED');

    up = true;
    await expect
      .poll(
        async () => {
          await relayer.runOnce();
          return posted(events);
        },
        { timeout: 5_000, interval: 20 },
      )
      .toEqual([{ sequence: 4n, outcome: 'accepted', code: undefined }]);
    expect(cursorStore.snapshot()).toEqual({ [key()]: 5n });
    expect(relayer.status().emitters[0]?.lastError).toBeNull();
    expect(await t.engine.context.store.attestations.has(before.replayKey)).toBe(true);
  });

  it('uses several guardian endpoints: a dead one is skipped, a VAA one lacks is taken from another', async () => {
    const downUrl = `http://127.0.0.1:${await freePort()}`;
    // An endpoint that observes only blocks after now: it has none of the signed sequences.
    const empty = await startDevnetGuardians({
      evmChains: [
        {
          rpcUrl: evm.rpcUrl,
          wormholeChainId: 2,
          coreBridge: evm.contracts.coreBridge,
          fromBlock: (await evm.blockNumber()) + 1n,
        },
      ],
    });
    extraGuardians.push(empty);
    const events: RelayerEvent[] = [];
    const relayer = createRelayer({
      engine: relayerClient,
      guardian: [downUrl, empty.url, guardians.url],
      emitters: [{ chain: 2, emitter: vault() }],
      cursorStore: createMemoryCursorStore({ [key()]: 3n }),
      vaa: { gapProbeWindow: 0 },
      onEvent: (e) => events.push(e),
    });
    relayers.push(relayer);
    await relayer.runOnce();
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(posted(events)).toEqual([
      { sequence: 3n, outcome: 'duplicate', code: undefined },
      { sequence: 4n, outcome: 'duplicate', code: undefined },
    ]);
    expect(relayer.status().emitters[0]).toMatchObject({ next: '5', gaps: [] });
  });

  it('serves /healthz and /metrics while running and stops gracefully', async () => {
    const relayer = createRelayer({
      engine: relayerClient,
      guardian: guardians.url,
      emitters: [{ chain: 2, emitter: vault() }],
      pollIntervalMs: 20,
      ops: { port: 0 },
    });
    relayers.push(relayer);
    await relayer.start();
    const url = relayer.opsUrl ?? '';
    await expect
      .poll(async () => ((await (await fetch(`${url}/healthz`)).json()) as { rounds: number }).rounds, {
        timeout: 5_000,
      })
      .toBeGreaterThan(0);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      running: true,
      emitters: [{ chain: 2, next: '5', gaps: [] }],
    });
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('xmargin_relayer_round_duration_seconds_count');
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    await relayer.stop();
    expect(relayer.status().running).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('runs as a process from the environment (main.ts), persisting cursors and exiting cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xmargin-relayer-main-'));
    const port = await freePort();
    const apiKey =
      (await t.admin.admin.createApiKey({ name: 'relayer process', role: 'relayer' })).secret ?? '';
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        ENGINE_URL: t.url,
        RELAYER_API_KEY: apiKey,
        GUARDIAN_URL: guardians.url,
        RELAYER_EMITTERS: `2:${vault()}`,
        POLL_INTERVAL_MS: '50',
        CURSOR_FILE: join(dir, 'cursors.json'),
        RELAYER_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect
        .poll(
          async () => {
            const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
            if (!res?.ok) return undefined;
            return ((await res.json()) as { emitters: { next: string }[] }).emitters[0]?.next;
          },
          { timeout: 30_000, interval: 100 },
        )
        .toBe('5');
      expect(JSON.parse(readFileSync(join(dir, 'cursors.json'), 'utf8'))).toEqual({ [key()]: '5' });
      const lines = output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; outcome?: string; sequence?: string });
      expect(lines[0]).toMatchObject({ msg: 'relayer started' });
      // Everything was delivered before: replays, answered as duplicates (the rejected one as rejected).
      expect(lines.filter((l) => l.msg === 'vaa-posted').map((l) => [l.sequence, l.outcome])).toEqual([
        ['0', 'duplicate'],
        ['1', 'rejected'],
        ['2', 'duplicate'],
        ['3', 'duplicate'],
        ['4', 'duplicate'],
      ]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
