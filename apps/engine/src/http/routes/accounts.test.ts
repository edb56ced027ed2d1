import { ed25519 } from '@noble/curves/ed25519.js';
import { base58Encode } from '@xmargin/core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

let t: TestEngine;
let protocolKey: string;
beforeAll(async () => {
  t = await startTestEngine('accounts');
  protocolKey = await t.key('protocol', 'proto_a');
});
afterAll(() => t.close());

const app = () => t.engine.app!;
const post = (url: string, payload: unknown, key = protocolKey) =>
  app().inject({ method: 'POST', url, headers: bearer(key), payload: payload as object });
const get = (url: string, key = protocolKey) => app().inject({ method: 'GET', url, headers: bearer(key) });

describe('accounts', () => {
  it('creates with a chosen id, rejects a duplicate, and generates ids', async () => {
    const r = await post('/v1/accounts', { accountId: 'acc_alice' });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ accountId: 'acc_alice', addresses: [] });
    const dup = await post('/v1/accounts', { accountId: 'acc_alice' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('LEDGER__CONFLICT');
    const gen = await post('/v1/accounts', {});
    expect(gen.statusCode).toBe(201);
    expect(gen.json().accountId).toMatch(/^acc_[0-9a-f]{24}$/);
  });

  it('gets an account; unknown is LEDGER__NOT_FOUND; bad id is API__INVALID_REQUEST', async () => {
    expect((await get('/v1/accounts/acc_alice')).json().accountId).toBe('acc_alice');
    const missing = await get('/v1/accounts/acc_nobody');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('LEDGER__NOT_FOUND');
    const bad = await get('/v1/accounts/NOPE');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'API__INVALID_REQUEST', context: { part: 'params' } });
  });

  it('rejects unauthenticated and wrong-role calls', async () => {
    const none = await app().inject({ method: 'GET', url: '/v1/accounts/acc_alice' });
    expect(none.statusCode).toBe(401);
    const oracle = await t.key('oracle');
    const forbidden = await post('/v1/accounts', {}, oracle);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('API__FORBIDDEN');
  });
});

describe('linking addresses', () => {
  it('links an EVM address with an EIP-191 signature over the challenge', async () => {
    const signer = privateKeyToAccount(generatePrivateKey());
    const ch = await post('/v1/accounts/acc_alice/challenges', { chain: 'evm', address: signer.address });
    expect(ch.statusCode).toBe(201);
    const { challengeId, message } = ch.json();
    expect(message).toContain('acc_alice');
    expect(message).toContain(signer.address.toLowerCase());
    const signature = await signer.signMessage({ message });
    const r = await post('/v1/accounts/acc_alice/addresses', {
      challengeId,
      chain: 'evm',
      address: signer.address,
      signature,
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ chain: 'evm', address: signer.address.toLowerCase() });
    const list = await get('/v1/accounts/acc_alice/addresses');
    expect(list.json().addresses.map((a: { address: string }) => a.address)).toContain(
      signer.address.toLowerCase(),
    );

    // The challenge is single use.
    const again = await post('/v1/accounts/acc_alice/addresses', {
      challengeId,
      chain: 'evm',
      address: signer.address,
      signature,
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().error.code).toBe('API__CHALLENGE_INVALID');

    // The same address cannot be linked to another account.
    await post('/v1/accounts', { accountId: 'acc_bob' });
    const ch2 = (
      await post('/v1/accounts/acc_bob/challenges', { chain: 'evm', address: signer.address })
    ).json();
    const sig2 = await signer.signMessage({ message: ch2.message });
    const taken = await post('/v1/accounts/acc_bob/addresses', {
      challengeId: ch2.challengeId,
      chain: 'evm',
      address: signer.address,
      signature: sig2,
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({
      code: 'API__ADDRESS_LINKED',
      context: { accountId: 'acc_alice' },
    });
  });

  it('rejects an EVM signature by another key, and a challenge of another account', async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const thief = privateKeyToAccount(generatePrivateKey());
    const ch = (
      await post('/v1/accounts/acc_alice/challenges', { chain: 'evm', address: owner.address })
    ).json();
    const forged = await thief.signMessage({ message: ch.message });
    const r = await post('/v1/accounts/acc_alice/addresses', {
      challengeId: ch.challengeId,
      chain: 'evm',
      address: owner.address,
      signature: forged,
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('API__SIGNATURE_INVALID');
    const other = await post('/v1/accounts/acc_bob/addresses', {
      challengeId: ch.challengeId,
      chain: 'evm',
      address: owner.address,
      signature: await owner.signMessage({ message: ch.message }),
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('API__CHALLENGE_INVALID');
  });

  it('links a Solana address with an ed25519 signature (hex or base58)', async () => {
    for (const encoding of ['hex', 'base58'] as const) {
      const secret = ed25519.utils.randomSecretKey();
      const address = base58Encode(ed25519.getPublicKey(secret));
      const ch = (await post('/v1/accounts/acc_alice/challenges', { chain: 'solana', address })).json();
      const sig = ed25519.sign(new TextEncoder().encode(ch.message), secret);
      const signature = encoding === 'hex' ? `0x${Buffer.from(sig).toString('hex')}` : base58Encode(sig);
      const r = await post('/v1/accounts/acc_alice/addresses', {
        challengeId: ch.challengeId,
        chain: 'solana',
        address,
        signature,
      });
      expect(r.statusCode).toBe(201);
      expect(r.json()).toMatchObject({ chain: 'solana', address });
    }
  });

  it('rejects a Solana signature over another message, and malformed addresses', async () => {
    const secret = ed25519.utils.randomSecretKey();
    const address = base58Encode(ed25519.getPublicKey(secret));
    const ch = (await post('/v1/accounts/acc_alice/challenges', { chain: 'solana', address })).json();
    const sig = ed25519.sign(new TextEncoder().encode('something else'), secret);
    const r = await post('/v1/accounts/acc_alice/addresses', {
      challengeId: ch.challengeId,
      chain: 'solana',
      address,
      signature: base58Encode(sig),
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('API__SIGNATURE_INVALID');
    const bad = await post('/v1/accounts/acc_alice/challenges', {
      chain: 'evm',
      address: `0x${'z'.repeat(40)}`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'API__INVALID_REQUEST',
      context: { issues: [{ path: '$.address' }] },
    });
    const missing = await post('/v1/accounts/acc_nobody/challenges', { chain: 'solana', address });
    expect(missing.statusCode).toBe(404);
  });
});
