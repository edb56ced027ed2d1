import {
  EthCallQueryRequest,
  EthCallWithFinalityQueryRequest,
  type EthCallWithFinalityQueryResponse,
  PerChainQueryRequest,
  QueryRequest,
  QueryResponse,
} from '@wormhole-foundation/wormhole-query-sdk';
import { testTokenAbi } from '@xmargin/contracts';
import {
  bytesToHex,
  concatHex,
  decodeFunctionResult,
  encodeFunctionData,
  keccak256,
  recoverAddress,
  stringToHex,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnetGuardians } from './start-devnet-guardians.js';
import { startTestChain, type TestChain } from './test-chain.js';
import type { DevnetGuardians } from './types.js';

let chain: TestChain;
let guardians: DevnetGuardians;
const holder = '0x00000000000000000000000000000000000000aa';

beforeAll(async () => {
  chain = await startTestChain();
  guardians = await startDevnetGuardians({
    evmRpcUrl: chain.rpcUrl,
    coreBridge: chain.coreBridge,
    pollIntervalMs: 50,
  });
  const hash = await chain.wallet.writeContract({
    address: chain.token,
    abi: testTokenAbi,
    functionName: 'mint',
    args: [holder, 1_234_567n],
    account: chain.wallet.account ?? null,
    chain: chain.wallet.chain ?? null,
  });
  await chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
});

afterAll(async () => {
  await guardians?.stop();
  await chain?.stop();
});

async function postQuery(body: unknown): Promise<Response> {
  return fetch(`${guardians.url}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const balanceOfCall = (): { to: string; data: string } => ({
  to: chain.token,
  data: encodeFunctionData({ abi: testTokenAbi, functionName: 'balanceOf', args: [holder] }),
});

describe('POST /v1/query', () => {
  it('answers eth_call_with_finality balanceOf with a signed response', async () => {
    const block = await chain.publicClient.getBlock();
    const request = new QueryRequest(42, [
      new PerChainQueryRequest(
        2,
        new EthCallWithFinalityQueryRequest(Number(block.number), 'finalized', [balanceOfCall()]),
      ),
    ]);
    const res = await postQuery({ bytes: bytesToHex(request.serialize()) });
    expect(res.status).toBe(200);
    const { bytes, signatures } = (await res.json()) as { bytes: string; signatures: string[] };
    const response = QueryResponse.from(bytes);
    const perChain = response.responses[0]?.response as EthCallWithFinalityQueryResponse;
    expect(perChain.blockNumber).toBe(block.number);
    expect(perChain.blockHash).toBe(block.hash);
    expect(perChain.blockTime).toBe(block.timestamp * 1_000_000n);
    const [result] = perChain.results;
    expect(
      decodeFunctionResult({ abi: testTokenAbi, functionName: 'balanceOf', data: result as `0x${string}` }),
    ).toBe(1_234_567n);
    expect(signatures).toHaveLength(19);
    const digest = keccak256(
      concatHex([stringToHex('query_response_0000000000000000000|'), keccak256(`0x${bytes}`)]),
    );
    const sig = signatures[0] ?? '';
    const signer = await recoverAddress({
      hash: digest,
      signature: `0x${sig.slice(0, 128)}${(27 + Number.parseInt(sig.slice(128, 130), 16)).toString(16)}`,
    });
    expect(signer).toBe('0xbeFA429d57cD18b7F8A4d91A2da9AB4AF05d0FBe');
    expect(sig.slice(130)).toBe('00');
  });

  it('rejects an unsupported query type with 400 and a clear message', async () => {
    const request = new QueryRequest(1, [
      new PerChainQueryRequest(2, new EthCallQueryRequest('0x1', [balanceOfCall()])),
    ]);
    const res = await postQuery({ bytes: bytesToHex(request.serialize()) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('ATTESTATION__MALFORMED');
    expect(body.message).toContain('eth_call is not supported');
  });

  it('rejects trailing bytes, non-hex bodies and unknown chains', async () => {
    const block = await chain.publicClient.getBlockNumber();
    const ok = new QueryRequest(1, [
      new PerChainQueryRequest(
        2,
        new EthCallWithFinalityQueryRequest(Number(block), 'finalized', [balanceOfCall()]),
      ),
    ]);
    const trailing = await postQuery({ bytes: `${bytesToHex(ok.serialize())}00` });
    expect(trailing.status).toBe(400);
    expect(((await trailing.json()) as { code: string }).code).toBe('ATTESTATION__TRAILING_BYTES');

    const notHex = await postQuery({ bytes: 'zz' });
    expect(notHex.status).toBe(400);
    expect(((await notHex.json()) as { code: string }).code).toBe('ATTESTATION__MALFORMED');

    const otherChain = new QueryRequest(1, [
      new PerChainQueryRequest(
        23,
        new EthCallWithFinalityQueryRequest(Number(block), 'finalized', [balanceOfCall()]),
      ),
    ]);
    const unknown = await postQuery({ bytes: bytesToHex(otherChain.serialize()) });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { code: string }).code).toBe('CORE__UNKNOWN_CHAIN');
  });

  it('rejects a block that does not exist yet', async () => {
    const block = await chain.publicClient.getBlockNumber();
    const request = new QueryRequest(1, [
      new PerChainQueryRequest(
        2,
        new EthCallWithFinalityQueryRequest(Number(block + 100n), 'finalized', [balanceOfCall()]),
      ),
    ]);
    const res = await postQuery({ bytes: bytesToHex(request.serialize()) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('does not exist');
  });
});
