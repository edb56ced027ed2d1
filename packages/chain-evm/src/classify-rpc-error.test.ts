import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
import { AppError, isAppError } from '@xmargin/errors';
import { createPublicClient, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyRpcError } from './classify-rpc-error.js';
import { createEvmCollateralSource } from './create-evm-collateral-source.js';

let devnet: EvmDevnet;
const servers: Server[] = [];

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback URL nobody listens on (bound once, then released). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  devnet = await startEvmDevnet();
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await devnet?.stop();
});

const ctx = (url: string) => ({ chain: 'evm-devnet', url, method: 'eth_blockNumber' });
const failure = (url: string, timeout = 10_000) =>
  createPublicClient({ transport: http(url, { retryCount: 0, timeout }) })
    .getBlockNumber()
    .catch((e: unknown) => e);

describe('classifyRpcError', () => {
  it('connection refused is CHAIN__RPC_UNAVAILABLE', async () => {
    const url = await deadUrl();
    const err = classifyRpcError(await failure(url), ctx(url));
    expect(isAppError(err, 'CHAIN__RPC_UNAVAILABLE')).toBe(true);
    expect(err.context).toEqual({ chain: 'evm-devnet', url });
  });

  it('a gateway answering 503 is CHAIN__RPC_UNAVAILABLE', async () => {
    const url = await serve((_req, res) => res.writeHead(503).end('down'));
    const err = classifyRpcError(await failure(url), ctx(url));
    expect(isAppError(err, 'CHAIN__RPC_UNAVAILABLE')).toBe(true);
    expect(err.details).toBe('HTTP 503');
  });

  it('no answer within the timeout is CHAIN__RPC_TIMEOUT', async () => {
    const url = await serve(() => {
      // Never answers.
    });
    const err = classifyRpcError(await failure(url, 150), ctx(url));
    expect(isAppError(err, 'CHAIN__RPC_TIMEOUT')).toBe(true);
    expect(err.context).toEqual({ chain: 'evm-devnet', method: 'eth_blockNumber' });
  });

  it('a JSON-RPC error answer is CHAIN__RPC_ERROR with the node code', async () => {
    const client = createPublicClient({ transport: http(devnet.rpcUrl, { retryCount: 0 }) });
    // A call at a block the node does not have: ganache answers "header not found".
    const raw = await client
      .call({ to: devnet.contracts.vault, data: '0x12345678', blockNumber: 10n ** 6n })
      .catch((e: unknown) => e);
    const err = classifyRpcError(raw, { ...ctx(devnet.rpcUrl), method: 'eth_call' });
    expect(isAppError(err, 'CHAIN__RPC_ERROR')).toBe(true);
    expect(typeof (err.context as { rpcCode?: number }).rpcCode).toBe('number');
    expect(err.cause).toBe(raw);
  });

  it('passes an AppError through unchanged', () => {
    const original = new AppError('CHAIN__INVALID_CONFIG', { context: { chain: 'x', reason: 'y' } });
    expect(classifyRpcError(original, ctx('http://127.0.0.1:1'))).toBe(original);
  });

  it('is applied at the adapter: a poll against a dead endpoint fails with CHAIN__RPC_UNAVAILABLE', async () => {
    const source = createEvmCollateralSource({
      chain: 'evm-devnet',
      rpcUrl: await deadUrl(),
      vaults: [{ address: devnet.contracts.vault, startBlock: 1n }],
      tokens: {},
      retryCount: 0,
    });
    const err = await source.poll(undefined).catch((e: unknown) => e);
    expect(isAppError(err, 'CHAIN__RPC_UNAVAILABLE')).toBe(true);
  });
});
