import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseLevels, demoMarketData, repoRoot, type Stack, startStack, waitFor } from '../harness/index.js';
import { assertChromium, launchChromium } from './browser.js';
import { ensureConsoleBuilt } from './console-build.js';
import { BULK_ACCOUNTS, seedConsoleBook } from './seed-console-book.js';

const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
const SHOTS = join(repoRoot, '.ci', 'out', 'console');
const PROBE_QUEUE = 'console-probe';

/**
 * The admin console in a real browser (Debian Chromium driven by playwright-core) against a real
 * engine seeded like the demo: devnets, guardians, relayer, engine process, the demo's book.
 */
describe('admin console (Chromium)', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let probe: Queue;
  let probeWorker: Worker;
  let probeFails = true;
  const errors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const nav = async (testId: string, pageTestId: string) => {
    await page.getByTestId(testId).click();
    await page.getByTestId(pageTestId).waitFor();
  };
  const text = async (testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();
  const kpi = async (testId: string) =>
    ((await page.getByTestId(testId).locator('.card-value').textContent()) ?? '').trim();
  const firstColumn = async () =>
    page.getByTestId('table-accounts').locator('tbody tr[data-testid="row"] td:first-child').allInnerTexts();

  beforeAll(async () => {
    assertChromium();
    mkdirSync(SHOTS, { recursive: true });
    ensureConsoleBuilt();
    stack = await startStack({
      label: 'console',
      redisUrl: REDIS_URL_TEST,
      secondEvm: true,
      solana: true,
      engineReadyTimeoutMs: 400_000,
    });
    await seedConsoleBook(stack);
    browser = await launchChromium();
    // A queue the console has never heard of, whose jobs fail until told otherwise.
    const connection = { url: REDIS_URL_TEST, maxRetriesPerRequest: null };
    probe = new Queue(PROBE_QUEUE, { connection, prefix: stack.queuePrefix });
    probeWorker = new Worker(
      PROBE_QUEUE,
      async (job) => {
        if (probeFails) throw new Error(`probe failed for ${String(job.data.accountId)}`);
        return 'ok';
      },
      { connection, prefix: stack.queuePrefix },
    );
    await probe.add('probe', { accountId: 'acc_alpha' }, { jobId: 'probe-1' });
    await waitFor(async () => ((await probe.getFailedCount()) === 1 ? true : undefined), {
      what: 'the probe job to fail',
    });

    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    // The whole demo stack plus 45 margined accounts: minutes on a loaded machine.
  }, 600_000);

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await probeWorker?.close().catch(() => undefined);
    await probe?.obliterate({ force: true }).catch(() => undefined);
    await probe?.close().catch(() => undefined);
    await stack?.stop();
  });

  it('signs in from the link pnpm demo prints and loads under 500 kB gzipped', async () => {
    let transferred = 0;
    const sizes: Promise<void>[] = [];
    const onResponse = (r: import('playwright-core').Response) => {
      if (!r.url().includes('/console/')) return;
      sizes.push(
        r
          .request()
          .sizes()
          .then((s) => {
            transferred += s.responseBodySize + s.responseHeadersSize;
          }),
      );
    };
    page.on('response', onResponse);
    await page.goto(`${stack.engine.url}/console/#key=${stack.engine.adminKey}`);
    await page.getByTestId('page-book').waitFor();
    await Promise.all(sizes);
    page.off('response', onResponse);
    const figure = `console initial load: ${(transferred / 1024).toFixed(1)} kB transferred (gzip), budget 500 kB`;
    writeFileSync(join(SHOTS, 'initial-load.txt'), `${figure}\n`);
    process.stdout.write(`${figure}\n`);
    expect(transferred).toBeGreaterThan(10_000);
    expect(transferred).toBeLessThan(500 * 1024);
    // The key left the address bar once read.
    expect(page.url()).not.toContain('key=');
  });

  it('book health shows the seeded book', async () => {
    expect(await kpi('kpi-equity')).not.toBe('—');
    expect(Number(await kpi('kpi-liquidatable'))).toBeGreaterThan(0);
    await page.getByTestId('table-chains').getByText('evm-devnet-2').waitFor();
    await shot('1-book');
  });

  it('a price change reaches the book page live (SSE), without a reload', async () => {
    const before = await kpi('kpi-equity');
    const eventsBefore = await text('live');
    const now = Math.floor(Date.now() / 1000);
    await stack.oracle.marketData.update(
      demoMarketData(now, { eth: baseLevels.eth * 1.1, sol: baseLevels.sol * 1.1 }),
    );
    await waitFor(async () => ((await kpi('kpi-equity')) !== before ? true : undefined), {
      what: 'the equity on the book page to change',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    expect(await text('live')).not.toBe(eventsBefore);
    expect(await text('live')).toContain('live');
  });

  it('margin distribution: overlaid histogram over the whole book', async () => {
    await nav('nav-distribution', 'page-distribution');
    await page.getByTestId('chart-histogram').locator('canvas').waitFor();
    await shot('2-distribution');
  });

  it('accounts: the table pages and sorts on the server', async () => {
    await nav('nav-accounts', 'page-accounts');
    const total = 5 + BULK_ACCOUNTS;
    await page.getByTestId('page-info').getByText(`page 1 / 2 · ${total} rows`).waitFor();
    const first = await firstColumn();
    expect(first).toHaveLength(25);
    await page.getByTestId('page-next').click();
    await page.getByTestId('page-info').getByText('page 2 / 2').waitFor();
    // The pager moves before the next page's rows arrive (the previous page stays shown meanwhile).
    const second = await waitFor(
      async () => {
        const rows = await firstColumn();
        return rows.length === total - 25 ? rows : undefined;
      },
      { what: 'the second page of accounts' },
    );
    expect(second).toHaveLength(total - 25);
    expect(new Set([...first, ...second]).size).toBe(total);
    // Sort by account id, ascending then descending: the engine's order, from the first page.
    await page.getByTestId('th-accountId').click();
    await page.getByTestId('page-info').getByText('page 1 / 2').waitFor();
    await waitFor(async () => ((await firstColumn())[0] === 'acc_alpha' ? true : undefined), {
      what: 'ascending sort',
    });
    const asc = await firstColumn();
    expect(asc).toEqual([...asc].sort());
    await page.getByTestId('th-accountId').click();
    await waitFor(async () => ((await firstColumn())[0] === 'acc_echo' ? true : undefined), {
      what: 'descending sort',
    });
    const desc = await firstColumn();
    expect(desc).toEqual([...desc].sort().reverse());
    await page.getByTestId('account-search').fill('bulk_1');
    await waitFor(async () => ((await firstColumn()).length === 10 ? true : undefined), {
      what: 'search results',
    });
    await page.getByTestId('account-search').fill('');
    await shot('3-accounts');
  });

  it('account detail: a what-if submits and shows its result', async () => {
    await page.getByTestId('account-search').fill('acc_alpha');
    await waitFor(async () => ((await firstColumn()).join() === 'acc_alpha' ? true : undefined), {
      what: 'acc_alpha row',
    });
    await page.getByTestId('table-accounts').getByText('acc_alpha').click();
    await page.getByTestId('page-account').waitFor();
    await page.getByTestId('chart-scenarios-ETH').locator('canvas').waitFor();
    await page.getByTestId('whatif-quantity').fill('-2');
    await page.getByTestId('whatif-price').fill('3000');
    await page.getByTestId('whatif-submit').click();
    await page.getByTestId('whatif-result').waitFor();
    expect(await text('whatif-verdict')).toMatch(/^(passes|fails)/);
    await shot('3-account-detail');
  });

  it('collateral and attestations', async () => {
    await nav('nav-collateral', 'page-collateral');
    await page.getByTestId('table-guardians').waitFor();
    await page.getByTestId('table-attestations').getByText('vaa').first().waitFor();
    await shot('4-collateral');
  });

  it('risk parameters: a proposal shows its diff and impact, then activates', async () => {
    await nav('nav-params', 'page-params');
    await page
      .getByTestId('params-draft')
      .fill(JSON.stringify({ preset: 'pmrm-v1-mainnet', overrides: { mmFactor: 0.9 } }));
    await page.getByTestId('params-note').fill('console e2e: tighter maintenance');
    await page.getByTestId('params-propose').click();
    await page.getByTestId('params-review').waitFor();
    await page.getByTestId('params-diff').getByText('overrides').first().waitFor();
    await page.getByTestId('params-impact').waitFor();
    await shot('5-params');
    await page.getByTestId('activate').click();
    await page.getByTestId('confirm-yes').click();
    await page.getByTestId('table-versions').getByText('active').waitFor();
    const audit = await page.getByTestId('table-audit').textContent();
    expect(audit).toContain('activate');
  });

  it('queues: a failed job retries from the console (confirmed, audited)', async () => {
    await nav('nav-queues', 'page-queues');
    await page.getByTestId('table-queues').getByText(PROBE_QUEUE).click();
    await page.getByTestId('table-failed').getByText('probe failed for acc_alpha').waitFor();
    await shot('6-queues');
    probeFails = false;
    await page.getByTestId('retry-probe-1').click();
    await page.getByTestId('confirm-yes').click();
    await waitFor(async () => ((await probe.getJobState('probe-1')) === 'completed' ? true : undefined), {
      what: 'the retried probe job to complete',
    });
    await page.getByTestId('table-failed').getByText('no failed jobs').waitFor();
    await page.reload();
    await page.getByTestId('table-job-audit').getByText(`${PROBE_QUEUE}/probe-1`).waitFor();
  });

  it('queues: shard ownership per worker', async () => {
    await page.getByTestId('table-shards').locator('tr[data-testid="row"]').first().waitFor();
    await waitFor(async () => ((await text('shard-summary')).includes('live worker') ? true : undefined), {
      what: 'the shard summary',
    });
    expect(await page.getByTestId('table-shards').textContent()).not.toContain('unowned');
  });

  it('liquidations: fund, bad debt and both auction lists load; a fund deposit shows in its history', async () => {
    const res = await fetch(`${stack.engine.url}/v1/admin/insurance-fund/deposits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.engine.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '2500', note: 'console e2e seed' }),
    });
    expect(res.status).toBe(200);
    const fund = (await (
      await fetch(`${stack.engine.url}/v1/insurance-fund`, {
        headers: { authorization: `Bearer ${stack.engine.adminKey}` },
      })
    ).json()) as { balance: string };
    await nav('nav-liquidations', 'page-liquidations');
    const shown = Number(fund.balance).toLocaleString('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    await waitFor(async () => ((await kpi('card-fund')) === shown ? true : undefined), {
      what: `the fund card to show ${shown}`,
    });
    await page.getByTestId('table-fund').getByText('console e2e seed').waitFor();
    await page.getByTestId('chart-fund').locator('canvas').waitFor();
    // Open auctions first, then ended ones: each table shows its rows or says it has none.
    for (const status of ['ongoing', 'ended']) {
      await page.getByTestId(`table-auctions-${status}`).locator('tbody tr').first().waitFor();
    }
    expect(await text('liquidations-live')).toContain('auction events');
    await shot('7-liquidations');
  });

  it('stress: a run started from the console (confirmed, audited) shows its rounds side by side', async () => {
    await nav('nav-stress', 'page-stress');
    await page.getByTestId('stress-label').fill('console e2e: ETH -25%, SOL -30%');
    await page.getByTestId('stress-start-button').click();
    await page.getByTestId('confirm-yes').click();
    await page.getByTestId('page-stress-run').waitFor();
    await waitFor(async () => ((await text('run-status')) === 'done' ? true : undefined), {
      what: 'the stress run to finish',
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    const modes = page.getByTestId('table-stress-modes').locator('tr[data-testid="row"]');
    await modes.nth(2).waitFor();
    expect(await modes.allInnerTexts()).toHaveLength(3);
    await page.getByTestId('chart-rounds').locator('canvas').waitFor();
    await page.getByTestId('chart-stress-histogram').locator('canvas').waitFor();
    await shot('8-stress-run');
    await nav('nav-stress', 'page-stress');
    await page.getByTestId('table-stress-runs').getByText('console e2e: ETH -25%, SOL -30%').waitFor();
    await shot('8-stress');
    // The start is in the audit log, next to the job actions.
    await nav('nav-queues', 'page-queues');
    await page.getByTestId('table-job-audit').getByText('stress.start').waitFor();
  });

  it('a read-only operator key sees the pages without write controls', async () => {
    const res = await fetch(`${stack.engine.url}/v1/admin/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.engine.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ops desk', role: 'operator' }),
    });
    const { secret } = (await res.json()) as { secret: string };
    const ops = await browser.newPage();
    ops.on('console', (m) => {
      if (m.type() === 'error') errors.push(`operator console: ${m.text()}`);
    });
    await ops.goto(`${stack.engine.url}/console/params#key=${secret}`);
    await ops.getByTestId('page-params').waitFor();
    expect(await ops.getByTestId('params-propose').isDisabled()).toBe(true);
    await ops.getByTestId('nav-stress').click();
    await ops.getByTestId('table-stress-runs').getByText('console e2e: ETH -25%, SOL -30%').waitFor();
    expect(await ops.getByTestId('stress-start-button').isDisabled()).toBe(true);
    await ops.getByTestId('nav-liquidations').click();
    await ops.getByTestId('card-fund').waitFor();
    await ops.close();
  });

  it('no page logged a console error', () => {
    expect(errors).toEqual([]);
  });
});
