import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  baseLevels,
  demoMarketData,
  type MarginStream,
  openMarginStream,
  pingRedis,
  type RedisServer,
  type Stack,
  type StreamEvent,
  seedAccount,
  startRedisServer,
  startStack,
  waitFor,
} from '../../test/src/harness/index.js';
import { demoBindingCollateral } from './binding.js';
import { demoBook, protocols } from './book.js';
import { type AccountRow, bookTable, readBook } from './book-view.js';
import { demoLiquidation } from './liquidation.js';
import { accountModes } from './modes.js';
import { money, renderTable } from './table.js';

export interface DemoOptions {
  readonly once: boolean;
  /** Redis to use; a private redis-server is started when undefined. */
  readonly redisUrl: string | undefined;
  readonly out: (text: string) => void;
}

export interface RunningDemo {
  readonly engineUrl: string;
  readonly adminKey: string;
  /** A key of the demo's options protocol: it may post positions to (and list) the accounts granting it. */
  readonly protocolKey: string;
  readonly protocol: string;
  readonly relayerOpsUrl: string | undefined;
  stop(): Promise<void>;
}

/** The demo's risk parameters: the mainnet preset, wallet (unescrowed) USDC counted at 90%. */
const demoParams = { preset: 'pmrm-v1-mainnet', overrides: { assets: { USDC: { unescrowedHaircut: 0.1 } } } };

/** The market shock: ETH -25%, SOL -30%, implied vols +20 points. */
const shockLevels = { eth: baseLevels.eth * 0.75, sol: baseLevels.sol * 0.7 };
const shockVolBump = 0.2;

/**
 * Starts the whole system on loopback, seeds a book through the public APIs and chains, prints the
 * book, one account's isolated / cross / portfolio requirement, applies a market shock and prints the
 * accounts that crossed maintenance. Returns with everything still running (the caller stops it).
 */
// The engine's last log lines (warnings and errors at the stack's log level), printed when the demo fails.
const engineTail: string[] = [];
export const demoEngineTail = (): string => engineTail.join('\n');

export async function runDemo(opts: DemoOptions, register: (stop: () => Promise<void>) => void) {
  const t0 = Date.now();
  const progress = (m: string) => opts.out(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}\n`);
  const workDir = mkdtempSync(join(tmpdir(), 'xmargin-demo-'));
  let redis: RedisServer | undefined;
  let stack: Stack | undefined;
  let stream: MarginStream | undefined;
  const stop = async () => {
    stream?.close();
    await stack?.stop();
    await redis?.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  register(stop);

  let redisUrl = opts.redisUrl;
  if (redisUrl === undefined) {
    progress('starting redis-server on a free loopback port (REDIS_URL is not set)');
    redis = await startRedisServer();
    redisUrl = redis.url;
  } else if (!(await pingRedis(redisUrl))) {
    throw new Error(`no Redis answers at REDIS_URL=${redisUrl}`);
  }
  progress(`Redis at ${redisUrl}`);
  stack = await startStack({
    label: 'demo',
    redisUrl,
    secondEvm: true,
    solana: true,
    thresholds: [0],
    dataDir: join(workDir, 'data'),
    progress,
    settlement: true,
    onEngineLine: (line) => {
      engineTail.push(line);
      if (engineTail.length > 40) engineTail.shift();
    },
  });
  const s = stack;
  const now = Math.floor(Date.now() / 1000);
  progress(`oracle: market data (ETH ${baseLevels.eth}, SOL ${baseLevels.sol}, one expiry, perps)`);
  await s.oracle.marketData.update(demoMarketData(now));
  // Solana balances reach the engine as Queries-attested wallet balances: unescrowed, they can leave at
  // any time and by default back nothing. This operator lets wallet USDC count at 90%.
  const version = await s.engine.admin.admin.proposeParams({
    params: demoParams,
    note: 'demo: unescrowed (wallet) USDC counts at 90%',
  });
  await s.engine.admin.admin.activateParams(version.version);
  progress(
    'operator: parameters pmrm-v1-mainnet with USDC unescrowedHaircut 0.1 (wallet balances count at 90%)',
  );

  const book = demoBook(now);
  const queries = [];
  const seededBook = [];
  let vaultMessages = 0;
  for (const [i, account] of book.entries()) {
    progress(`seeding ${account.id}: ${account.label}`);
    const address = s.evm.accounts[i + 1];
    // Positions wait for the collateral's attestations: an account holding positions and no attested
    // collateral yet is under water, and the liquidation sweeper would (rightly) auction it.
    const seeded = await seedAccount(
      s,
      { ...account, ...(address === undefined ? {} : { evmAddress: address }) },
      { deferPositions: true },
    );
    seededBook.push(seeded);
    vaultMessages += seeded.vaultMessages;
    if (seeded.query) queries.push(seeded.query);
  }
  const expectedChains = new Map(
    book.map((a) => [
      a.id,
      [
        ...new Set([
          ...(a.vault ?? []).map((v) => v.chain),
          ...((a.solanaUsdc ?? 0) > 0 ? ['solana-devnet'] : []),
        ]),
      ],
    ]),
  );
  const relayer = await s.startRelayer({ queries });
  progress(`relayer delivering ${vaultMessages} vault VAAs and ${queries.length} Solana Queries responses`);
  const ids = book.map((a) => a.id);
  await waitFor(
    async () => {
      const rows = await readBook(s.engine, ids).catch(() => undefined);
      return rows?.every((r) => (expectedChains.get(r.accountId) ?? []).every((c) => r.chains.includes(c)))
        ? rows
        : undefined;
    },
    { what: 'every account margined with its collateral on every chain', timeoutMs: 90_000, intervalMs: 300 },
  ).catch(() => undefined); // the wait below reports what is missing
  for (const seeded of seededBook) await seeded.reportPositions();
  progress(
    `protocols reported ${book.reduce((n, a) => n + a.positions.length, 0)} positions: ` +
      Object.entries(protocols)
        .map(([p, where]) => `${p} = ${where}`)
        .join(', '),
  );

  // Every account's snapshot must reflect its collateral on every chain and all its positions.
  let solanaUnattested = false;
  const settled = await waitFor(
    async () => {
      // Solana balances arrive as Queries responses posted by the relayer. If the engine rejects every
      // one of them (an engine or relayer that cannot do Queries yet), say so loudly and margin the book
      // without them rather than wait forever; the e2e suite is where that is a failure.
      if (!solanaUnattested && queries.length > 0) {
        const outcomes = relayer.events().filter((e) => e.msg === 'query-posted');
        const rejected = outcomes.filter((e) => e.outcome === 'rejected');
        const targets = new Set(rejected.map((e) => e.target));
        if (targets.size === queries.length && !outcomes.some((e) => e.outcome === 'accepted')) {
          solanaUnattested = true;
          const codes = [...new Set(rejected.map((e) => String(e.code)))].join(', ');
          progress(
            `WARNING: the engine rejected every Solana Queries response (${codes}); margining without them`,
          );
        }
      }
      const rows = await readBook(s.engine, ids).catch(() => undefined);
      if (!rows) return undefined;
      const done = rows.every((r) => {
        const spec = book.find((a) => a.id === r.accountId);
        const chains = (expectedChains.get(r.accountId) ?? []).filter(
          (c) => !(solanaUnattested && c === 'solana-devnet'),
        );
        return r.positions === spec?.positions.length && chains.every((c) => r.chains.includes(c));
      });
      return done ? rows : undefined;
    },
    {
      what: 'every account margined with all its collateral and positions',
      timeoutMs: 90_000,
      intervalMs: 500,
    },
  ).catch((err: unknown) => {
    const errors = relayer
      .events()
      .filter((e) => e.level === 50 || e.outcome === 'rejected')
      .slice(-5);
    throw new Error(`${(err as Error).message}\nrelayer errors: ${JSON.stringify(errors)}`, { cause: err });
  });
  progress('book seeded and margined');

  opts.out(`\nAccounts (stable units; IM/MM = initial/maintenance requirement)\n\n${bookTable(settled)}\n`);

  const focus = 'acc_alpha';
  const modes = await accountModes(s.engine, focus, workDir, demoParams);
  const modeRows = [
    { mode: 'isolated (each position alone)', ...modes.isolated },
    { mode: 'cross (pooled, fixed ratios)', ...modes.cross },
    { mode: 'portfolio (scenario offsets)', ...modes.portfolio },
    { mode: 'engine (portfolio, served)', ...modes.engine },
  ];
  opts.out(
    `\n${focus}: ${book.find((a) => a.id === focus)?.label}\n\n${renderTable(modeRows, [
      { header: 'mode', cell: (r) => r.mode },
      { header: 'IM', cell: (r) => money(r.initialRequirement), align: 'right' },
      { header: 'MM', cell: (r) => money(r.maintenanceRequirement), align: 'right' },
      { header: 'excess (IM)', cell: (r) => money(r.initialExcess), align: 'right' },
      { header: 'excess (MM)', cell: (r) => money(r.maintenanceExcess), align: 'right' },
    ])}\ncapital efficiency (isolated IM / portfolio IM): ${
      modes.capitalEfficiency === null ? 'n/a' : `${modes.capitalEfficiency.toFixed(2)}x`
    }\n`,
  );

  const [alphaAddress, charlieAddress] = [s.evm.accounts[1], s.evm.accounts[3]];
  if (alphaAddress && charlieAddress)
    await demoBindingCollateral(
      s,
      { accountId: focus, trader: alphaAddress },
      { accountId: 'acc_charlie', trader: charlieAddress },
      opts.out,
    );

  stream = await openMarginStream({ baseUrl: s.engine.url, apiKey: s.engine.adminKey });
  const shockAt = Date.now();
  opts.out(
    `\nMarket shock: ETH ${baseLevels.eth} -> ${shockLevels.eth} (-25%), SOL ${baseLevels.sol} -> ${shockLevels.sol} (-30%), vols +${shockVolBump * 100} pts\n`,
  );
  await s.oracle.marketData.update(demoMarketData(Math.floor(shockAt / 1000), shockLevels, shockVolBump));
  const after = await waitFor(
    async () => {
      const rows = await readBook(s.engine, ids);
      return rows.every((r) => r.computedAt >= shockAt) ? rows : undefined;
    },
    { what: 'every account recomputed after the shock', timeoutMs: 60_000, intervalMs: 300 },
  );
  progress('market move fanned out; every exposed account recomputed');
  // Workers publish threshold events right after each snapshot; give the stream a moment to deliver.
  const newlyCrossed = after
    .filter((r) => r.mmExcess < 0 && (settled.find((b) => b.accountId === r.accountId)?.mmExcess ?? 0) >= 0)
    .map((r) => r.accountId);
  await Promise.all(
    newlyCrossed.map((id) => stream?.next((e) => isMaintenanceBreach(e, id), 5_000).catch(() => undefined)),
  );
  opts.out(`\nAccounts after the shock\n\n${bookTable(after)}\n`);
  printCrossings(opts.out, settled, after, stream.events());
  // The demo liquidator's wallet: a funded devnet account none of the seeded accounts uses.
  const liquidatorAddress = s.evm.accounts[book.length + 1];
  if (!liquidatorAddress) throw new Error('the EVM devnet has too few funded accounts');
  await demoLiquidation(s, liquidatorAddress, opts.out);
  // What POST /v1/admin/api-keys answers; the seeded accounts grant `optionsx` (it reported their positions).
  const protocol = 'optionsx';
  const protocolKey = await s.engine.createKey('protocol', protocol);

  return {
    engineUrl: s.engine.url,
    adminKey: s.engine.adminKey,
    protocolKey,
    protocol,
    relayerOpsUrl: relayer.opsUrl,
    stop,
  } satisfies RunningDemo;
}

function printCrossings(
  out: (t: string) => void,
  before: readonly AccountRow[],
  after: readonly AccountRow[],
  events: readonly StreamEvent[],
) {
  const crossed = after.filter((r) => r.mmExcess < 0);
  if (crossed.length === 0) {
    out('\nNo account crossed maintenance.\n');
    return;
  }
  const streamed = new Set(
    after.filter((r) => events.some((e) => isMaintenanceBreach(e, r.accountId))).map((r) => r.accountId),
  );
  const rows = crossed.map((r) => {
    const previous = before.find((b) => b.accountId === r.accountId)?.mmExcess ?? Number.NaN;
    return {
      ...r,
      before: previous,
      event: streamed.has(r.accountId) ? 'yes (down through 0)' : previous < 0 ? 'none: already below' : 'no',
    };
  });
  out(
    `\nAccounts that crossed maintenance (excess (MM) < 0: liquidatable)\n\n${renderTable(rows, [
      { header: 'account', cell: (r) => r.accountId },
      { header: 'excess (MM) before', cell: (r) => money(r.before), align: 'right' },
      { header: 'excess (MM) after', cell: (r) => money(r.mmExcess), align: 'right' },
      { header: 'MM after', cell: (r) => money(r.mm), align: 'right' },
      { header: 'threshold event on the stream', cell: (r) => r.event },
    ])}\n`,
  );
}

/** A stream `threshold` event saying the account's maintenance excess fell through 0. */
function isMaintenanceBreach(e: StreamEvent, accountId: string): boolean {
  const d = e.data as {
    accountId?: string;
    crossing?: { metric: string; threshold: number; direction: string };
  };
  return (
    e.event === 'threshold' &&
    d.accountId === accountId &&
    d.crossing?.metric === 'maintenanceExcess' &&
    d.crossing.threshold === 0 &&
    d.crossing.direction === 'down'
  );
}
