import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type EngineProcess, repoRoot } from '../../test/src/harness/index.js';

const run = promisify(execFile);

export interface ModeFigures {
  readonly initialRequirement: number;
  readonly maintenanceRequirement: number;
  readonly initialExcess: number;
  readonly maintenanceExcess: number;
}

export interface AccountModes {
  readonly isolated: ModeFigures;
  readonly cross: ModeFigures;
  readonly portfolio: ModeFigures;
  readonly capitalEfficiency: number | null;
  /** The engine's own (portfolio) figures for the same account, to show they agree. */
  readonly engine: ModeFigures;
}

/**
 * Isolated vs cross vs portfolio for one account. The engine serves the portfolio margin; the three
 * modes side by side are what `xmargin margin` prints for a document. So the demo rebuilds the
 * account's document from what the engine reports (collateral per chain, positions, market data, as-of)
 * and runs the CLI on it as a separate process; its portfolio figures must match the engine's.
 */
export async function accountModes(
  engine: EngineProcess,
  accountId: string,
  workDir: string,
  /** The engine's active parameters (the document must be margined under the same ones). */
  params: Record<string, unknown>,
): Promise<AccountModes> {
  const client = engine.admin;
  const [explain, positions, market] = await Promise.all([
    client.margin.explain(accountId),
    client.positions.list(accountId),
    client.marketData.get(),
  ]);
  const document = {
    version: 1,
    asOf: explain.asOf,
    params,
    ...(market.stable === null ? {} : { stable: market.stable }),
    prices: market.prices,
    markets: market.markets,
    account: {
      cash: 0,
      collateral: explain.chains.flatMap((c) =>
        c.assets.map((a) => ({
          asset: a.asset,
          chain: c.chain,
          amount: a.amount,
          ...(a.source === undefined ? {} : { source: a.source }),
          trust: a.trust,
          ...(c.oldestObservedAt === null ? {} : { observedAt: c.oldestObservedAt }),
        })),
      ),
      positions: positions.positions.map((p) => {
        const { id: _id, ...position } = p.position;
        return position;
      }),
    },
  };
  const file = join(workDir, `${accountId}.margin.json`);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  const { stdout } = await run(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'apps/cli/src/bin.ts', 'margin', file],
    { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as {
    modes: { isolated: ModeFigures; cross: ModeFigures; portfolio: ModeFigures };
    capitalEfficiency: number | null;
  };
  const s = explain.summary;
  return {
    ...result.modes,
    capitalEfficiency: result.capitalEfficiency,
    engine: {
      initialRequirement: s.initialRequirement,
      maintenanceRequirement: s.maintenanceRequirement,
      initialExcess: s.initialExcess,
      maintenanceExcess: s.maintenanceExcess,
    },
  };
}
