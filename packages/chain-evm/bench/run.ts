// EVM backfill throughput against the raw `eth_getLogs` read rate of the same ganache node, in one run.
// Figures are printed, never asserted (shared, noisy machines): compare the ratio, not the absolutes.
import { startEvmDevnet } from '@xmargin/devnet';
import { toEventSelector, toHex } from 'viem';
import { createEvmCollateralSource } from '../src/index.js';
import { vaultEventsAbi } from '../src/vault-events.js';
import { jsonRpc, jsonRpcBatch } from './json-rpc.js';
import { seedDeposits } from './seed.js';

const EVENTS = Number(process.env.BENCH_EVM_EVENTS ?? 5_000);
const PER_BLOCK = 50;
const ROUNDS = 7;
const RANGE = 2_000;
const CONCURRENCY = 4;

const devnet = await startEvmDevnet({ accounts: 21, blockGasLimit: 200_000_000n });
try {
  const t0 = performance.now();
  await seedDeposits(devnet, EVENTS, PER_BLOCK);
  const head = BigInt((await jsonRpc(devnet.rpcUrl, 'eth_blockNumber')) as string);
  const from = devnet.contracts.vaultDeployBlock;
  process.stdout.write(
    `seeded ${EVENTS} deposits in ${((performance.now() - t0) / 1000).toFixed(1)} s; blocks ${from}..${head}\n`,
  );
  const topics = [vaultEventsAbi.map((e) => toEventSelector(e))];

  /** The floor: the same ranges and concurrency as the adapter, plain fetch, logs counted, nothing decoded. */
  async function rawGetLogs(): Promise<number> {
    const ranges: { from: bigint; to: bigint }[] = [];
    for (let s = from; s <= head; s += BigInt(RANGE)) {
      const e = s + BigInt(RANGE) - 1n;
      ranges.push({ from: s, to: e < head ? e : head });
    }
    let n = 0;
    for (let i = 0; i < ranges.length; i += CONCURRENCY) {
      const results = await jsonRpcBatch(
        devnet.rpcUrl,
        ranges.slice(i, i + CONCURRENCY).map((r) => ({
          method: 'eth_getLogs',
          params: [
            { address: devnet.contracts.vault, topics, fromBlock: toHex(r.from), toBlock: toHex(r.to) },
          ],
        })),
      );
      for (const logs of results) n += (logs as unknown[]).length;
    }
    return n;
  }

  /** What an indexer must read when events carry no time: the same logs plus one header per block. */
  async function rawGetLogsAndHeaders(): Promise<number> {
    const logs = (await jsonRpc(devnet.rpcUrl, 'eth_getLogs', [
      { address: devnet.contracts.vault, topics, fromBlock: toHex(from), toBlock: toHex(head) },
    ])) as { blockNumber: string }[];
    const blocks = [...new Set(logs.map((l) => l.blockNumber))];
    await jsonRpcBatch(
      devnet.rpcUrl,
      blocks.map((b) => ({ method: 'eth_getBlockByNumber', params: [b, false] })),
    );
    return logs.length;
  }

  /** The adapter: a fresh source backfilling from the vault's deployment to head, observations built. */
  async function backfill(): Promise<number> {
    const source = createEvmCollateralSource({
      chain: 'evm-devnet',
      rpcUrl: devnet.rpcUrl,
      vaults: [{ address: devnet.contracts.vault, startBlock: from }],
      tokens: { [devnet.token('USDC').address]: { asset: 'USDC', decimals: 6 } },
      finalityDepth: 0,
      maxBlockRange: RANGE,
    });
    let n = 0;
    let cursor: Awaited<ReturnType<typeof source.poll>>['cursor'] | undefined;
    for (;;) {
      const r = await source.poll(cursor);
      n += r.observations.length;
      cursor = r.cursor;
      if (r.caughtUp) break;
    }
    await source.close();
    return n;
  }

  // Wall time and this process's CPU time (ganache runs in-process, so CPU time covers the node's work
  // and the client's, and is not inflated by other load on a shared machine).
  const time = async (f: () => Promise<number>) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const n = await f();
    const used = process.cpuUsage(cpu);
    return { n, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
  };
  // Warm both paths (JIT, ganache caches) before measuring; then interleave so drift hits both alike.
  await rawGetLogs();
  await rawGetLogsAndHeaders();
  await backfill();
  const raw: number[] = [];
  const adapter: number[] = [];
  const rawCpu: number[] = [];
  const adapterCpu: number[] = [];
  const withHeaders: number[] = [];
  const withHeadersCpu: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await time(rawGetLogs);
    const h = await time(rawGetLogsAndHeaders);
    const a = await time(backfill);
    if (r.n !== EVENTS || a.n !== EVENTS)
      throw new Error(`expected ${EVENTS} events, raw ${r.n}, adapter ${a.n}`);
    raw.push((r.n / r.ms) * 1000);
    adapter.push((a.n / a.ms) * 1000);
    rawCpu.push((r.n / r.cpuMs) * 1000);
    withHeaders.push((h.n / h.ms) * 1000);
    withHeadersCpu.push((h.n / h.cpuMs) * 1000);
    adapterCpu.push((a.n / a.cpuMs) * 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const row = (label: string, wall: number[], cpu: number[]) =>
    `${label.padEnd(18)} ${median(wall).toFixed(0).padStart(7)} events/s wall   ${median(cpu).toFixed(0).padStart(7)} events/CPU-s`;
  process.stdout.write(
    [
      `events: ${EVENTS} (${PER_BLOCK}/block), range ${RANGE} blocks, concurrency ${CONCURRENCY}, median of ${ROUNDS} interleaved rounds`,
      row('raw eth_getLogs', raw, rawCpu),
      row('raw logs + headers', withHeaders, withHeadersCpu),
      row('EVM backfill', adapter, adapterCpu),
      `ratio backfill/raw: ${(median(adapter) / median(raw)).toFixed(2)} wall, ${(median(adapterCpu) / median(rawCpu)).toFixed(2)} CPU (target >= 0.80)`,
      '(backfill = the same getLogs ranges + slice decoding + observations; the vault events carry the block',
      ' time, so no block header is read per block; ganache decodes every transaction of a block to serve',
      ' its header, which is what the "raw logs + headers" row costs)',
      '',
    ].join('\n'),
  );
} finally {
  await devnet.stop();
}
