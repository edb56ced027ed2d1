import { isAppError } from '@xmargin/errors';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';
import { hashApiKey } from './api-keys.js';

describeEachDriver('apiKeys', ({ store }) => {
  it('stores only the hash, finds by hash, and hides revoked keys', async () => {
    const secret = `xm_${Math.random().toString(36).slice(2)}`;
    const created = await store().apiKeys.create({
      name: 'relayer 1',
      role: 'relayer',
      keyHash: hashApiKey(secret),
    });
    expect(created.id).toMatch(/^key_/);
    expect(created.keyHash).toBe(hashApiKey(secret));
    const { rows } = await store().db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [
      created.id,
    ]);
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect((await store().apiKeys.findByHash(hashApiKey(secret)))?.id).toBe(created.id);
    expect(await store().apiKeys.revoke(created.id)).toBe(true);
    expect(await store().apiKeys.revoke(created.id)).toBe(false);
    expect(await store().apiKeys.findByHash(hashApiKey(secret))).toBeNull();
    expect(
      (await store().apiKeys.findByHash(hashApiKey(secret), { includeRevoked: true }))?.revokedAt,
    ).toBeInstanceOf(Date);
    expect((await store().apiKeys.list()).some((k) => k.id === created.id)).toBe(true);
  });

  it('keeps the protocol scope and refuses a duplicate hash or a non-hash', async () => {
    const keyHash = hashApiKey(`s${Math.random()}`);
    const k = await store().apiKeys.create({
      id: `key_${keyHash.slice(0, 8)}`,
      name: 'p',
      role: 'protocol',
      scope: 'alpha',
      keyHash,
    });
    expect((await store().apiKeys.get(k.id))?.scope).toBe('alpha');
    await expect(store().apiKeys.create({ name: 'dup', role: 'admin', keyHash })).rejects.toSatisfy((e) =>
      isAppError(e, 'LEDGER__CONFLICT'),
    );
    await expect(store().apiKeys.create({ name: 'raw', role: 'admin', keyHash: 'secret' })).rejects.toSatisfy(
      (e) => isAppError(e, 'LEDGER__INVALID_INPUT'),
    );
  });

  it('hashApiKey is sha256 hex', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
