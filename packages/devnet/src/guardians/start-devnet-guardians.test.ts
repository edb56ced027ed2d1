import { bytesToHex, keccak256, recoverAddress, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnetGuardians } from './start-devnet-guardians.js';
import { startTestChain, type TestChain } from './test-chain.js';
import type { DevnetGuardians } from './types.js';

let chain: TestChain;
let guardians: DevnetGuardians;

beforeAll(async () => {
  chain = await startTestChain();
  guardians = await startDevnetGuardians({
    evmRpcUrl: chain.rpcUrl,
    coreBridge: chain.coreBridge,
    pollIntervalMs: 20,
  });
});

afterAll(async () => {
  await guardians?.stop();
  await chain?.stop();
});

describe('startDevnetGuardians', () => {
  it('serves a signed VAA for a published message at the public API path', async () => {
    await chain.publish(toHex('hello'), 7);
    const emitter = `000000000000000000000000${chain.account.slice(2).toLowerCase()}`;
    await guardians.waitForVaa(2, chain.account, 0n, 5000);
    const res = await fetch(`${guardians.url}/v1/signed_vaa/2/${emitter}/0`);
    expect(res.status).toBe(200);
    const { vaaBytes } = (await res.json()) as { vaaBytes: string };
    const vaa = Buffer.from(vaaBytes, 'base64');
    expect(vaa[0]).toBe(1);
    const n = vaa[5] ?? 0;
    expect(n).toBe(19);
    const body = vaa.subarray(6 + 66 * n);
    const digest = keccak256(keccak256(body));
    const first = vaa.subarray(6, 72);
    const signer = await recoverAddress({
      hash: digest,
      signature: bytesToHex(Buffer.concat([first.subarray(1, 65), Buffer.from([27 + (first[65] ?? 0)])])),
    });
    expect(signer).toBe('0xbeFA429d57cD18b7F8A4d91A2da9AB4AF05d0FBe');
  });

  it('answers 404 in the public API shape for an unknown sequence', async () => {
    const emitter = `000000000000000000000000${chain.account.slice(2).toLowerCase()}`;
    const res = await fetch(`${guardians.url}/v1/signed_vaa/2/${emitter}/99`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 5, message: 'requested VAA not found in store', details: [] });
  });
});
