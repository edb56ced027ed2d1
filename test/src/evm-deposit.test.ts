import { join } from 'node:path';
import { signVaa } from '@xmargin/attestation/testing';
import type { XmarginClient } from '@xmargin/client';
import { isAppError } from '@xmargin/errors';
import { keccak256, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoExpiry,
  demoMarketData,
  linkEvmAddress,
  type MarginStream,
  openMarginStream,
  type Stack,
  startRelayerProcess,
  startStack,
  waitFor,
  waitForMargin,
} from './harness/index.js';

const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
const USDC = 10n ** 6n;
const ALICE = 'acc_e2e_alice';

/** Rejects with the engine's error code (through the typed client), or fails. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  throw new Error('expected the engine to reject the request');
}

describe('EVM vault collateral end to end (ganache -> guardians -> relayer -> engine)', () => {
  let stack: Stack;
  let protocol: XmarginClient;
  let relayerClient: XmarginClient;
  let stream: MarginStream | undefined;
  let alice: `0x${string}`;

  beforeAll(async () => {
    stack = await startStack({ label: 'evm', redisUrl: REDIS_URL_TEST, thresholds: [0] });
    const now = Math.floor(Date.now() / 1000);
    await stack.oracle.marketData.update(demoMarketData(now));
    protocol = await stack.protocol('optionsx');
    relayerClient = stack.engine.client(stack.relayerKey);
    await protocol.accounts.create({ accountId: ALICE });
    alice = stack.evm.accounts[1] as `0x${string}`;
    await linkEvmAddress(protocol, ALICE, stack.evm.walletClient, alice);
    // A short call, so the account has a requirement and its excess moves with collateral.
    await protocol.positions.upsert(ALICE, {
      positions: [
        {
          id: 'c1',
          type: 'option',
          underlying: 'ETH',
          expiry: demoExpiry(now),
          strike: 3_300,
          right: 'call',
          quantity: -1,
        },
      ],
    });
    await stack.startRelayer();
  });

  async function expectUnchanged(before: Awaited<ReturnType<XmarginClient['margin']['explain']>>) {
    const after = await protocol.margin.explain(ALICE);
    expect(after.chains.map((c) => c.assets)).toEqual(before.chains.map((c) => c.assets));
    expect(after.attestations.map((a) => a.replayKey)).toEqual(before.attestations.map((a) => a.replayKey));
    expect(after.summary!.equity).toBeCloseTo(before.summary!.equity, 2);
    expect(after.summary!.maintenanceRequirement).toBeCloseTo(before.summary!.maintenanceRequirement, 2);
  }

  afterAll(async () => {
    stream?.close();
    await stack?.stop();
  });

  it('a vault deposit becomes a guardian-signed VAA, is relayed, and shows up as margin', async () => {
    await stack.evm.mint({ token: 'USDC', to: alice, amount: 10_000n * USDC });
    await stack.evm.deposit({ from: alice, token: 'USDC', amount: 10_000n * USDC });

    const margin = await waitForMargin(
      protocol,
      ALICE,
      (m) => m.summary!.equity > 9_000,
      'the deposit to reach the margin snapshot',
    );
    expect(margin.summary!.maintenanceRequirement).toBeGreaterThan(0);
    expect(margin.summary!.initialRequirement).toBeGreaterThan(margin.summary!.maintenanceRequirement);
    // Equity = 10,000 USDC of collateral plus the (negative) mark of the short call.
    expect(margin.summary!.equity).toBeCloseTo(10_000 + margin.summary!.markToMarket, 6);
    expect(margin.freshness.map((f) => f.chain)).toEqual(['evm-devnet']);

    const explain = await protocol.margin.explain(ALICE);
    const chain = explain.chains.find((c) => c.chain === 'evm-devnet');
    expect(chain?.assets).toEqual([
      expect.objectContaining({ asset: 'USDC', amount: 10_000, source: 'vaa' }),
    ]);
    expect(explain.attestations.map((a) => a.kind)).toEqual(['vaa']);
    const delivered = stack.relayer?.events().filter((e) => e.msg === 'vaa-posted') ?? [];
    expect(delivered).toEqual([expect.objectContaining({ outcome: 'accepted', sequence: '0' })]);
  });

  it('a withdrawal lowers the excess and raises a threshold event on the stream', async () => {
    const before = await protocol.margin.get(ALICE);
    const level = Math.round(before.summary!.maintenanceExcess - 3_000);
    stream = await openMarginStream({
      baseUrl: stack.engine.url,
      apiKey: stack.engine.adminKey,
      accountId: ALICE,
      thresholds: [level],
    });
    await stack.evm.withdraw({ from: alice, token: 'USDC', amount: 6_000n * USDC });

    const crossing = await stream.next((e) => {
      const c = (e.data as { crossing?: { metric: string; threshold: number } }).crossing;
      return e.event === 'threshold' && c?.metric === 'maintenanceExcess' && c.threshold === level;
    });
    expect(crossing.data).toMatchObject({
      accountId: ALICE,
      crossing: { metric: 'maintenanceExcess', threshold: level, direction: 'down' },
    });
    const after = await protocol.margin.get(ALICE);
    expect(after.summary!.maintenanceExcess).toBeCloseTo(before.summary!.maintenanceExcess - 6_000, 0);
    expect(after.summary!.equity).toBeCloseTo(before.summary!.equity - 6_000, 0);
  });

  it('a replayed VAA is a no-op and forged VAAs are rejected with their codes', async () => {
    const vault = stack.evm.contracts.vault;
    const deposit = await stack.guardians.waitForVaa(2, vault, 0n);
    const before = await protocol.margin.explain(ALICE);

    // Replay: the same signed body again (as another relayer would) is acknowledged, not applied.
    const replay = await relayerClient.attestations.postVaa({ vaa: toHex(deposit) });
    expect(replay).toMatchObject({ status: 'duplicate', applied: 0, jobIds: [] });
    // Malleated signatures (high-s) over the same body: still the same replay key.
    const malleated = signVaa({ bodyBytes: bodyOf(deposit), signerIndices: range(13), highS: true });
    expect(toHex(malleated)).not.toBe(toHex(deposit));
    expect(await relayerClient.attestations.postVaa({ vaa: toHex(malleated) })).toMatchObject({
      status: 'duplicate',
      replayKey: keccak256(bodyOf(deposit)),
    });

    // Forged: the payload's amount/balance inflated under the guardians' original signatures.
    const tampered = Uint8Array.from(deposit);
    tampered[tampered.length - 60] = (tampered[tampered.length - 60] ?? 0) ^ 0xff;
    expect(await codeOf(relayerClient.attestations.postVaa({ vaa: toHex(tampered) }))).toBe(
      'ATTESTATION__SIGNER_MISMATCH',
    );
    // Forged: a well-formed VAA signed by 13 keys that are not the guardian set.
    const impostors = Array.from({ length: 19 }, (_, i) => keccak256(toHex(`impostor ${i}`)));
    const byImpostors = signVaa({ bodyBytes: bodyOf(deposit), keys: impostors, signerIndices: range(13) });
    expect(await codeOf(relayerClient.attestations.postVaa({ vaa: toHex(byImpostors) }))).toBe(
      'ATTESTATION__SIGNER_MISMATCH',
    );
    // Forged: genuine guardians but below quorum (12 of 19).
    const fewSigners = signVaa({ bodyBytes: bodyOf(deposit), signerIndices: range(12) });
    expect(await codeOf(relayerClient.attestations.postVaa({ vaa: toHex(fewSigners) }))).toBe(
      'ATTESTATION__QUORUM_NOT_MET',
    );

    // Genuinely guardian-signed, but emitted by a contract that is not a registered vault.
    const rogue = signVaa({
      timestamp: Math.floor(Date.now() / 1000),
      emitterChain: 2,
      emitterAddress: stack.evm.accounts[9] ?? '0x00000000000000000000000000000000000000ff',
      sequence: 0n,
      consistencyLevel: 202,
      payload: bodyOf(deposit).subarray(51),
      signerIndices: range(13),
    });
    expect(await codeOf(relayerClient.attestations.postVaa({ vaa: toHex(rogue) }))).toBe(
      'ATTESTATION__EMITTER_NOT_ALLOWED',
    );

    // Nothing was applied: same collateral, same attestations, same margin (a periodic recompute may
    // have moved as-of by a few seconds, hence "close" for the floats).
    await expectUnchanged(before);
  });

  it('a second relayer replaying every VAA from sequence 0 changes nothing', async () => {
    const before = await protocol.margin.explain(ALICE);
    const second = await startRelayerProcess({
      engineUrl: stack.engine.url,
      apiKey: stack.relayerKey,
      guardianUrl: stack.guardians.url,
      emitters: [{ chain: 2, emitter: stack.evm.contracts.vault }],
      cursorFile: join(stack.dataDir, 'second-relayer-cursors.json'),
    });
    try {
      const replayed = await waitFor(
        async () => {
          const events = second.events().filter((e) => e.msg === 'vaa-posted');
          return events.length >= 2 ? events : undefined;
        },
        { what: 'the second relayer to post both VAAs' },
      );
      expect(replayed.map((e) => [e.sequence, e.outcome])).toEqual([
        ['0', 'duplicate'],
        ['1', 'duplicate'],
      ]);
    } finally {
      await second.stop();
    }
    await expectUnchanged(before);
  });

  it('the relayer delivered every vault message exactly once', async () => {
    const posted = await waitFor(
      async () => {
        const events = stack.relayer?.events().filter((e) => e.msg === 'vaa-posted') ?? [];
        return events.length >= 2 ? events : undefined;
      },
      { what: 'two vaa-posted events' },
    );
    expect(posted.map((e) => [e.sequence, e.outcome])).toEqual([
      ['0', 'accepted'],
      ['1', 'accepted'],
    ]);
  });
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The signed body of a serialized v1 VAA (after the header: version, set index, signatures). */
function bodyOf(vaa: Uint8Array): Uint8Array {
  const signatures = vaa[5] ?? 0;
  return vaa.subarray(6 + 66 * signatures);
}
