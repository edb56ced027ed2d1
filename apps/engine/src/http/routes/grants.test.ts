import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expiries, marketData } from '../../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

let t: TestEngine;
let protoA: string;
let protoB: string;
let relayer: string;
const owner = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
const ACC = 'acc_tenant';

const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key: string, payload?: object) =>
  t.engine.app!.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) });

const perp = (id: string, quantity: number) => ({
  id,
  type: 'perp',
  underlying: 'ETH',
  quantity,
  entryPrice: 2000,
});

async function signedGrant(action: 'grant' | 'revoke', protocol: string, signer = owner, relayKey = protoB) {
  const ch = await req('POST', `/v1/accounts/${ACC}/grant-challenges`, relayKey, {
    action,
    protocol,
    chain: 'evm',
    address: signer.address,
  });
  if (ch.statusCode !== 201) return ch;
  const { challengeId, message } = ch.json();
  return req('POST', `/v1/accounts/${ACC}/grants`, relayKey, {
    challengeId,
    chain: 'evm',
    address: signer.address,
    signature: await signer.signMessage({ message }),
  });
}

beforeAll(async () => {
  t = await startTestEngine('grants');
  protoA = await t.key('protocol', 'proto_a');
  protoB = await t.key('protocol', 'proto_b');
  relayer = await t.key('relayer');
  expect((await req('PUT', '/v1/market-data', t.adminKey, marketData())).statusCode).toBe(200);
  expect((await req('POST', '/v1/accounts', protoA, { accountId: ACC })).statusCode).toBe(201);
  const ch = (
    await req('POST', `/v1/accounts/${ACC}/challenges`, protoA, { chain: 'evm', address: owner.address })
  ).json();
  const link = await req('POST', `/v1/accounts/${ACC}/addresses`, protoA, {
    challengeId: ch.challengeId,
    chain: 'evm',
    address: owner.address,
    signature: await owner.signMessage({ message: ch.message }),
  });
  expect(link.statusCode).toBe(201);
  expect(
    (await req('POST', `/v1/accounts/${ACC}/positions`, protoA, { positions: [perp('a-long', 2)] }))
      .statusCode,
  ).toBe(200);
});
afterAll(() => t.close());

describe('tenancy: account -> protocol grants', () => {
  it('a protocol the account never authorised cannot write its positions', async () => {
    const r = await req('POST', `/v1/accounts/${ACC}/positions`, protoB, {
      positions: [perp('b-short', -1000)],
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toMatchObject({
      code: 'TENANCY__NOT_GRANTED',
      context: { accountId: ACC, protocol: 'proto_b' },
    });
    expect((await req('GET', `/v1/accounts/${ACC}/positions`, t.adminKey)).json().positions).toHaveLength(1);
  });

  it('the creating protocol is granted; grants are listed with how they were given', async () => {
    const r = await req('GET', `/v1/accounts/${ACC}/grants`, relayer);
    expect(r.json().grants).toEqual([
      expect.objectContaining({
        protocol: 'proto_a',
        active: true,
        grantedBy: expect.stringMatching(/^creator:/),
      }),
    ]);
  });

  it('only a linked address of the account can sign a grant, and only with a grant challenge', async () => {
    const notLinked = await signedGrant('grant', 'proto_b', stranger);
    expect(notLinked.statusCode).toBe(422);
    expect(notLinked.json().error.code).toBe('API__SIGNATURE_INVALID');
    // A link challenge signed by the owner does not grant anything.
    const link = (
      await req('POST', `/v1/accounts/${ACC}/challenges`, protoB, { chain: 'evm', address: owner.address })
    ).json();
    const misuse = await req('POST', `/v1/accounts/${ACC}/grants`, protoB, {
      challengeId: link.challengeId,
      chain: 'evm',
      address: owner.address,
      signature: await owner.signMessage({ message: link.message }),
    });
    expect(misuse.json().error.code).toBe('API__CHALLENGE_INVALID');
    // A signature over another message fails.
    const ch = (
      await req('POST', `/v1/accounts/${ACC}/grant-challenges`, protoB, {
        action: 'grant',
        protocol: 'proto_b',
        chain: 'evm',
        address: owner.address,
      })
    ).json();
    const forged = await req('POST', `/v1/accounts/${ACC}/grants`, protoB, {
      challengeId: ch.challengeId,
      chain: 'evm',
      address: owner.address,
      signature: await stranger.signMessage({ message: ch.message }),
    });
    expect(forged.json().error.code).toBe('API__SIGNATURE_INVALID');
  });

  it('a signed grant lets the protocol write; explain itemises only its own positions', async () => {
    const g = await signedGrant('grant', 'proto_b');
    expect(g.statusCode).toBe(200);
    expect(g.json().grants.find((x: { protocol: string }) => x.protocol === 'proto_b')).toMatchObject({
      active: true,
      grantedBy: `evm:${owner.address.toLowerCase()}`,
    });
    expect(
      (await req('POST', `/v1/accounts/${ACC}/positions`, protoB, { positions: [perp('b-short', -1)] }))
        .statusCode,
    ).toBe(200);

    const asB = (await req('GET', `/v1/accounts/${ACC}/margin/explain`, protoB)).json();
    expect(asB.positions.map((p: { key: string }) => p.key)).toEqual(['proto_b/b-short']);
    expect(asB.otherPositions).toMatchObject({ count: 1 });
    const asAdmin = (await req('GET', `/v1/accounts/${ACC}/margin/explain`, t.adminKey)).json();
    expect(asAdmin.positions.map((p: { key: string }) => p.key).sort()).toEqual([
      'proto_a/a-long',
      'proto_b/b-short',
    ]);
    expect(asAdmin.otherPositions).toBeUndefined();
    const a = asAdmin.positions.find((p: { key: string }) => p.key === 'proto_a/a-long');
    expect(asB.otherPositions.markToMarket).toBeCloseTo(a.markToMarket, 9);
    expect(asB.otherPositions.greeks.delta).toBeCloseTo(a.greeks.delta, 9);
    const asRelayer = (await req('GET', `/v1/accounts/${ACC}/margin/explain`, relayer)).json();
    expect(asRelayer.positions).toEqual([]);
    expect(asRelayer.otherPositions).toMatchObject({ count: 2 });
    expect(JSON.stringify(asRelayer)).not.toContain('b-short');
  });

  it('a signed revocation stops the protocol writing; it may still withdraw its own positions', async () => {
    const r = await signedGrant('revoke', 'proto_b', owner, protoA);
    expect(r.statusCode).toBe(200);
    expect(r.json().grants.find((x: { protocol: string }) => x.protocol === 'proto_b')).toMatchObject({
      active: false,
    });
    const w = await req('POST', `/v1/accounts/${ACC}/positions`, protoB, {
      positions: [perp('b-short2', -1)],
    });
    expect(w.json().error.code).toBe('TENANCY__NOT_GRANTED');
    expect((await req('DELETE', `/v1/accounts/${ACC}/positions/b-short`, protoB)).statusCode).toBe(200);
  });

  it('operators grant and revoke directly; a protocol may drop only its own grant', async () => {
    expect((await req('PUT', `/v1/accounts/${ACC}/grants/proto_c`, t.adminKey)).json().grants).toContainEqual(
      expect.objectContaining({ protocol: 'proto_c', active: true, grantedBy: 'admin:bootstrap admin' }),
    );
    expect((await req('PUT', `/v1/accounts/${ACC}/grants/proto_c`, protoA)).statusCode).toBe(403);
    expect((await req('DELETE', `/v1/accounts/${ACC}/grants/proto_c`, protoA)).statusCode).toBe(403);
    expect((await req('DELETE', `/v1/accounts/${ACC}/grants/proto_c`, t.adminKey)).statusCode).toBe(200);
    expect((await req('DELETE', `/v1/accounts/${ACC}/grants/proto_c`, t.adminKey)).json().error.code).toBe(
      'TENANCY__GRANT_NOT_FOUND',
    );
  });
});

describe('address challenges', () => {
  it('expired challenges are purged as new ones are issued', async () => {
    const store = t.engine.context.store;
    await store.challenges.create({
      nonce: 'expired-nonce',
      account: ACC as never,
      chain: 'evm',
      address: owner.address.toLowerCase(),
      message: 'old',
      expiresAt: new Date(Date.now() - 1_000),
    });
    expect(await store.challenges.get('expired-nonce')).not.toBeNull();
    const r = await req('POST', `/v1/accounts/${ACC}/challenges`, protoA, {
      chain: 'evm',
      address: stranger.address,
    });
    expect(r.statusCode).toBe(201);
    expect(await store.challenges.get('expired-nonce')).toBeNull();
    expect(await store.challenges.get(r.json().challengeId)).not.toBeNull();
  });
});

describe('positions are validated against market data and bounds at write time', () => {
  const [e1] = expiries();
  const write = (positions: object[]) => req('POST', `/v1/accounts/${ACC}/positions`, protoA, { positions });
  const issues = async (positions: object[]) => {
    const r = await write(positions);
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('API__POSITION_UNMARGINABLE');
    return r.json().error.context.issues.map((i: { path: string }) => i.path);
  };

  it('refuses an underlying without a market, an expiry the market lacks and absurd sizes, naming each path', async () => {
    expect(await issues([{ ...perp('x', 1), underlying: 'DOGE' }])).toEqual(['$.positions[0].underlying']);
    expect(
      await issues([
        perp('ok', 1),
        {
          id: 'o',
          type: 'option',
          underlying: 'ETH',
          expiry: e1 + 3600,
          strike: 2000,
          right: 'call',
          quantity: 1,
        },
      ]),
    ).toEqual(['$.positions[1].expiry']);
    expect(await issues([perp('huge', 1e308)])).toEqual(['$.positions[0].quantity']);
    expect(await issues([{ ...perp('p', 1), entryPrice: 1e300 }])).toEqual(['$.positions[0].entryPrice']);
    expect(
      await issues([
        { id: 'f', type: 'future', underlying: 'SOL', expiry: e1 + 1, quantity: 1, entryPrice: 150 },
      ]),
    ).toEqual(['$.positions[0].expiry']);
    // Nothing was stored by the refused writes.
    const stored = (await req('GET', `/v1/accounts/${ACC}/positions`, protoA)).json().positions;
    expect(stored.map((p: { position: { id: string } }) => p.position.id)).toEqual(['a-long']);
  });

  it('accepts positions the market can margin', async () => {
    const r = await write([
      { id: 'o', type: 'option', underlying: 'ETH', expiry: e1, strike: 2000, right: 'call', quantity: 1 },
    ]);
    expect(r.statusCode).toBe(200);
  });
});
