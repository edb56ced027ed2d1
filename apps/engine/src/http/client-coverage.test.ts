import { createXmarginClient, type XmarginClient, xmarginOperations } from '@xmargin/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../test-support/harness.js';

// `@xmargin/client` covers every operation of the served OpenAPI document: its operation table matches
// the document (method and path per operationId, none missing, none extra), every entry names a client
// method, and the reads answer, validated by the client's DTOs, against a real engine.

let t: TestEngine;
let base: string;
let client: XmarginClient;

beforeAll(async () => {
  t = await startTestEngine('clientcov');
  base = await t.engine.listen(0);
  client = createXmarginClient({ baseUrl: base, apiKey: t.adminKey, retries: 0 });
});
afterAll(() => t.close());

interface OpenApiDoc {
  readonly paths: Record<string, Record<string, { readonly operationId?: string }>>;
}

describe('@xmargin/client against the OpenAPI document', () => {
  it('has one table entry per operation, with the same method and path', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as OpenApiDoc;
    const served: Record<string, { method: string; path: string }> = {};
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        expect(op.operationId, `${method} ${path}`).toBeDefined();
        served[op.operationId as string] = { method: method.toUpperCase(), path };
      }
    const table = Object.fromEntries(
      Object.entries(xmarginOperations).map(([id, op]) => [id, { method: op.method, path: op.path }]),
    );
    expect(Object.keys(table).sort()).toEqual(Object.keys(served).sort());
    expect(table).toEqual(served);
  });

  it('every entry names a method of the client', () => {
    const missing = Object.entries(xmarginOperations)
      .filter(([, op]) => {
        const fn = op.client
          .split('.')
          .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], client);
        return typeof fn !== 'function';
      })
      .map(([id, op]) => `${id} -> ${op.client}`);
    expect(missing).toEqual([]);
  });

  it('the reads answer with bodies that match the client DTOs', async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ['client.health', () => client.health()],
      ['client.readiness', () => client.readiness()],
      ['client.accounts.list', () => client.accounts.list({ limit: 10 })],
      ['client.marketData.get', () => client.marketData.get()],
      ['client.webhooks.list', () => client.webhooks.list()],
      ['client.liquidations.list', () => client.liquidations.list({ order: 'desc' })],
      [
        'client.liquidations.positionTransfers',
        () => client.liquidations.positionTransfers({ protocol: 'optionsx' }),
      ],
      ['client.liquidations.insuranceFund', () => client.liquidations.insuranceFund()],
      ['client.admin.whoami', () => client.admin.whoami()],
      ['client.admin.listApiKeys', () => client.admin.listApiKeys()],
      ['client.admin.listParams', () => client.admin.listParams()],
      ['client.admin.paramsAudit', () => client.admin.paramsAudit()],
      ['client.admin.trustAudit', () => client.admin.trustAudit()],
      ['client.admin.getAttestationRegistry', () => client.admin.getAttestationRegistry()],
      ['client.admin.queues', () => client.admin.queues()],
      ['client.admin.jobQueues', () => client.admin.jobQueues()],
      ['client.admin.failedJobsPage', () => client.admin.failedJobsPage('reverify-expiring', { limit: 5 })],
      ['client.admin.audit', () => client.admin.audit({ limit: 5 })],
      ['client.admin.shards', () => client.admin.shards()],
      ['client.admin.uncomputableMargins', () => client.admin.uncomputableMargins()],
      ['client.admin.nearLiquidation', () => client.admin.nearLiquidation({ limit: 5 })],
      ['client.admin.bookSummary', () => client.admin.bookSummary()],
      ['client.admin.bookHistogram', () => client.admin.bookHistogram({ bins: 5 })],
      ['client.admin.bookAccounts', () => client.admin.bookAccounts({ limit: 5 })],
      ['client.admin.attestationsOverview', () => client.admin.attestationsOverview()],
      ['client.admin.listLiquidationParams', () => client.admin.listLiquidationParams()],
      ['client.admin.dynamicParams', () => client.admin.dynamicParams()],
      ['client.admin.stressRuns', () => client.admin.stressRuns({ limit: 5 })],
    ];
    const answers: unknown[] = [];
    for (const [name, call] of calls) answers.push(await call().catch((e: Error) => `${name}: ${e.message}`));
    expect(answers.filter((a) => typeof a === 'string')).toEqual([]);
    expect(answers).toHaveLength(calls.length);
    expect(answers[8]).toEqual({ name: 'bootstrap admin', role: 'admin' });
  });
});
