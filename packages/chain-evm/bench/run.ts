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
const ROUNDS = 5;
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

  const time = async (f: () => Promise<number>) => {
    const start = performance.now();
    const n = await f();
    return { n, ms: performance.now() - start };
  };
  // Warm both paths (JIT, ganache caches) before measuring; then interleave so drift hits both alike.
  await rawGetLogs();
  await backfill();
  const raw: number[] = [];
  const adapter: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await time(rawGetLogs);
    const a = await time(backfill);
    if (r.n !== EVENTS || a.n !== EVENTS)
      throw new Error(`expected ${EVENTS} events, raw ${r.n}, adapter ${a.n}`);
    raw.push((r.n / r.ms) * 1000);
    adapter.push((a.n / a.ms) * 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rawRate = median(raw);
  const adapterRate = median(adapter);
  process.stdout.write(
    [
      `events: ${EVENTS} (${PER_BLOCK}/block), range ${RANGE} blocks, concurrency ${CONCURRENCY}, median of ${ROUNDS}`,
      `raw eth_getLogs:  ${rawRate.toFixed(0)} events/s`,
      `EVM backfill:     ${adapterRate.toFixed(0)} events/s (decoded, headers, observations)`,
      `ratio backfill/raw: ${(adapterRate / rawRate).toFixed(2)} (target >= 0.80)`,
      '',
    ].join('\n'),
  );
} finally {
  await devnet.stop();
}
