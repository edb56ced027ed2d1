import { encodeCollateralMessage } from '@xmargin/attestation';
import { devnetTrustStore, signVaa } from '@xmargin/attestation/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { memoryIo } from '../memory-io.js';
import { set3StoreJson, UPGRADE_HEX } from './attestation-fixtures.test-helpers.js';

const devnetJson = JSON.stringify({ ...devnetTrustStore(), sets: devnetTrustStore().sets });
const vault = `0x${'00'.repeat(12)}${'5a'.repeat(20)}`;
const collateralVaa = signVaa({
  timestamp: 1_700_000_000,
  emitterChain: 2,
  emitterAddress: vault,
  sequence: 3n,
  consistencyLevel: 202,
  payload: encodeCollateralMessage({
    kind: 'snapshot',
    account: `0x${'00'.repeat(12)}${'11'.repeat(20)}`,
    token: `0x${'00'.repeat(12)}${'22'.repeat(20)}`,
    amount: 2n ** 200n,
    balance: 2n ** 200n,
    sourceHeight: 99n,
    vaultNonce: 1n,
  }),
});

describe('xmargin vaa verify', () => {
  it('prints header, body, digest, replay key and the decoded payload of the mainnet fixture', async () => {
    const io = memoryIo({ 'set3.json': set3StoreJson(), 'vaa.hex': UPGRADE_HEX() });
    expect(
      await runCli(['vaa', 'verify', '--trust', 'set3.json', '--vaa', '@vaa.hex', '--now', '1713281400'], io),
    ).toBe(0);
    const out = JSON.parse(io.out);
    expect(out.header.guardianSetIndex).toBe(3);
    expect(out.header.signatures).toHaveLength(13);
    expect(out.body).toMatchObject({
      emitterChain: 1,
      consistencyLevel: 32,
      sequence: '18252082506122526004',
    });
    expect(out.digest).toBe('0xeedbfdc99a5c4da5f84b5a40efe5f607d58f9db4bcb9be079f0d2834bae52efd');
    expect(out.replayKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(out.decodedPayload.newIndex).toBe(4);
  });

  it('accepts base64 and decodes our collateral message', async () => {
    const io = memoryIo({ 'devnet.json': devnetJson });
    const b64 = Buffer.from(collateralVaa).toString('base64');
    const args = [
      'vaa',
      'verify',
      '--trust',
      'devnet.json',
      '--vaa',
      b64,
      '--emitter',
      `2:${vault}`,
      '--kind',
      'collateral',
    ];
    expect(await runCli([...args, '--now', '1700000001', '--max-age', '60'], io)).toBe(0);
    const out = JSON.parse(io.out);
    expect(out.payloadLayout).toBe('XMargin:CollateralMessage');
    expect(out.decodedPayload).toMatchObject({
      kind: 'snapshot',
      amount: (2n ** 200n).toString(),
      sourceHeight: '99',
    });
  });

  it('prints the error contract and exits 1 on rejection', async () => {
    const cases: [string[], string][] = [
      [['--emitter', `2:0x${'77'.repeat(20)}`], 'ATTESTATION__EMITTER_NOT_ALLOWED'],
      [['--now', '1700001000', '--max-age', '60'], 'ATTESTATION__STALE'],
    ];
    for (const [extra, code] of cases) {
      const io = memoryIo({ 'devnet.json': devnetJson });
      const hex = Buffer.from(collateralVaa).toString('hex');
      expect(await runCli(['vaa', 'verify', '--trust', 'devnet.json', '--vaa', hex, ...extra], io)).toBe(1);
      expect(JSON.parse(io.out)).toEqual({ error: { code, message: expect.any(String) } });
    }
    const bad = memoryIo({ 'devnet.json': '{"network":"devnet"}' });
    expect(await runCli(['vaa', 'verify', '--trust', 'devnet.json', '--vaa', '0x01'], bad)).toBe(1);
    expect(JSON.parse(bad.out).error.code).toBe('ATTESTATION__TRUST_STORE_INVALID');
    const notHex = memoryIo({ 'devnet.json': devnetJson });
    expect(await runCli(['vaa', 'verify', '--trust', 'devnet.json', '--vaa', 'zz!'], notHex)).toBe(1);
    expect(JSON.parse(notHex.out).error.code).toBe('ATTESTATION__MALFORMED');
  });
});
