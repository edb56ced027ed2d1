import { Keypair, PublicKey } from '@solana/web3.js';
import {
  EthCallQueryRequest,
  EthCallWithFinalityQueryRequest,
  PerChainQueryRequest,
  QueryRequest,
  SolanaAccountQueryRequest,
  type SolanaAccountQueryResponse,
} from '@wormhole-foundation/wormhole-query-sdk';
import { verifyQueryResponse } from '@xmargin/attestation';
import { devnetTrustStore } from '@xmargin/attestation/testing';
import { testTokenAbi } from '@xmargin/contracts';
import { bytesToHex, encodeFunctionData } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvmDevnet, startEvmDevnet } from '../evm/index.js';
import { type SolanaDevnet, startSolanaDevnet, TOKEN_2022_PROGRAM_ID } from '../solana/index.js';
import { startDevnetGuardians } from './start-devnet-guardians.js';
import type { DevnetGuardians } from './types.js';

let evm: EvmDevnet;
let solana: SolanaDevnet;
let guardians: DevnetGuardians;
const holder = '0x00000000000000000000000000000000000000aa';

beforeAll(async () => {
  [evm, solana] = await Promise.all([startEvmDevnet(), startSolanaDevnet()]);
  guardians = await startDevnetGuardians({
    evmRpcUrl: evm.rpcUrl,
    coreBridge: evm.contracts.coreBridge,
    solanaRpcUrl: solana.rpcUrl,
  });
  await evm.mint({ token: 'USDC', to: holder, amount: 1_234_567n });
});

afterAll(async () => {
  await guardians?.stop();
  await Promise.all([evm?.stop(), solana?.stop()]);
});

async function postQuery(body: unknown): Promise<Response> {
  return fetch(`${guardians.url}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const balanceOfCall = (): { to: string; data: string } => ({
  to: evm.token('USDC').address,
  data: encodeFunctionData({ abi: testTokenAbi, functionName: 'balanceOf', args: [holder] }),
});

describe('POST /v1/query', () => {
  it('answers sol_account for an SPL token account with a signed response', async () => {
    const owner = Keypair.generate();
    const mint = await solana.createMint(6);
    const account = await solana.createTokenAccount(owner.publicKey, mint);
    await solana.mintTo(mint, account, 777_000n);
    const request = new QueryRequest(7, [
      new PerChainQueryRequest(1, new SolanaAccountQueryRequest('finalized', [account.toBase58()])),
    ]);
    const res = await postQuery({ bytes: bytesToHex(request.serialize()) });
    expect(res.status).toBe(200);
    const { bytes, signatures } = (await res.json()) as { bytes: string; signatures: string[] };
    expect(signatures).toHaveLength(19);
    const verified = verifyQueryResponse({
      response: bytes,
      signatures,
      trustStore: devnetTrustStore(),
      now: Math.floor(Date.now() / 1000),
      expected: {
        kind: 'spl-balance',
        chainId: 1,
        account: account.toBase58(),
        mint: mint.toBase58(),
        owner: owner.publicKey.toBase58(),
        tokenProgram: 'spl-token',
      },
      maxAgeSeconds: 60,
    });
    expect(verified.signers).toHaveLength(19);
    expect(verified.result).toMatchObject({ kind: 'spl-balance', amount: 777_000n });
    const perChain = verified.response.responses[0]?.response as SolanaAccountQueryResponse;
    const block = await solana.connection().getBlock(Number(perChain.slotNumber), {
      transactionDetails: 'none',
      rewards: false,
      maxSupportedTransactionVersion: 0,
    });
    expect(perChain.blockTime).toBe(BigInt(block?.blockTime ?? -1) * 1_000_000n);
    expect(new PublicKey(perChain.blockHash).toBase58()).toBe(block?.blockhash);
  });

  it('honours a sol_account data slice', async () => {
    const owner = Keypair.generate();
    const mint = await solana.createMint(6);
    const account = await solana.createTokenAccount(owner.publicKey, mint);
    await solana.mintTo(mint, account, 4_242n);
    const request = new QueryRequest(11, [
      new PerChainQueryRequest(
        1,
        new SolanaAccountQueryRequest('finalized', [account.toBase58()], 0n, 64n, 8n),
      ),
    ]);
    const res = await postQuery({ bytes: bytesToHex(request.serialize()) });
    expect(res.status).toBe(200);
    const { bytes, signatures } = (await res.json()) as { bytes: string; signatures: string[] };
    const verified = verifyQueryResponse({
      response: bytes,
      signatures,
      trustStore: devnetTrustStore(),
      now: Math.floor(Date.now() / 1000),
    });
    const perChain = verified.response.responses[0]?.response as SolanaAccountQueryResponse;
    const data = Buffer.from(perChain.results[0]?.data ?? []);
    expect(data.length).toBe(8);
    expect(data.readBigUInt64LE(0)).toBe(4_242n);
  });

  it('fails a sol_account query for an account that does not exist', async () => {
    const request = new QueryRequest(8, [
      new PerChainQueryRequest(
        1,
        new SolanaAccountQueryRequest('finalized', [Keypair.generate().publicKey.toBase58()]),
      ),
    ]);
    const res = await postQuery({ bytes: bytesToHex(request.serialize()) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('CHAIN__ACCOUNT_NOT_FOUND');
  });

  it('answers eth_call_with_finality balanceOf with a signed response', async () => {
    const block = await evm.publicClient.getBlock();
    const request = new QueryRequest(42, [
      new PerChainQueryRequest(
        2,
        new EthCallWithFinalityQueryRequest(Number(block.number), 'finalized', [balanceOfCall()]),
      ),
    ]);
    const res = await postQuery({ bytes: bytesToHex(request.serialize()) });
    expect(res.status).toBe(200);
    const { bytes, signatures } = (await res.json()) as { bytes: string; signatures: string[] };
    const verified = verifyQueryResponse({
      response: bytes,
      signatures,
      trustStore: devnetTrustStore(),
      now: Number(block.timestamp),
      expected: { kind: 'evm-balance', chainId: 2, token: evm.token('USDC').address, holder },
      maxAgeSeconds: 60,
    });
    expect(verified.signers).toHaveLength(19);
    expect(verified.result).toMatchObject({
      kind: 'evm-balance',
      balance: 1_234_567n,
      blockNumber: block.number,
      blockHash: block.hash,
      blockTime: Number(block.timestamp),
    });
  });

  it('answers one request spanning both chains and echoes the requester signature as request id', async () => {
    const owner = Keypair.generate();
    const mint = await solana.createMint(9, { program: 'token-2022' });
    const account = await solana.createTokenAccount(owner.publicKey, mint);
    await solana.mintTo(mint, account, 5n);
    const blockNumber = await evm.publicClient.getBlockNumber();
    const request = new QueryRequest(9, [
      new PerChainQueryRequest(
        2,
        new EthCallWithFinalityQueryRequest(Number(blockNumber), 'finalized', [balanceOfCall()]),
      ),
      new PerChainQueryRequest(1, new SolanaAccountQueryRequest('finalized', [account.toBase58()])),
    ]);
    const requestSignature = `0x${'ab'.repeat(65)}`;
    const res = await postQuery({ bytes: bytesToHex(request.serialize()), signature: requestSignature });
    expect(res.status).toBe(200);
    const { bytes, signatures } = (await res.json()) as { bytes: string; signatures: string[] };
    const verified = verifyQueryResponse({
      response: bytes,
      signatures,
      trustStore: devnetTrustStore(),
      now: Math.floor(Date.now() / 1000),
    });
    expect(verified.response.requestId).toBe(requestSignature);
    expect(verified.response.responses.map((r) => r.chainId)).toEqual([2, 1]);
    const spl = verified.response.responses[1]?.response as SolanaAccountQueryResponse;
    const [result] = spl.results;
    expect(new PublicKey(result?.owner ?? new Uint8Array(32)).equals(TOKEN_2022_PROGRAM_ID)).toBe(true);
    expect(Buffer.from(result?.data ?? []).readBigUInt64LE(64)).toBe(5n);
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
    const block = await evm.publicClient.getBlockNumber();
    const ok = new QueryRequest(1, [
      new PerChainQueryRequest(
        2,
        new EthCallWithFinalityQueryRequest(Number(block), 'finalized', [balanceOfCall()]),
      ),
    ]);
    const trailing = await postQuery({ bytes: `${bytesToHex(ok.serialize())}00` });
    expect(trailing.status).toBe(400);
    expect(((await trailing.json()) as { code: string }).code).toBe('ATTESTATION__TRAILING_BYTES');

    const truncated = await postQuery({ bytes: bytesToHex(ok.serialize()).slice(0, 40) });
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as { code: string }).code).toBe('ATTESTATION__MALFORMED');

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
    const block = await evm.publicClient.getBlockNumber();
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
