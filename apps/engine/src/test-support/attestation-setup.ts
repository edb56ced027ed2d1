import { trustStoreToJson } from '@xmargin/attestation';
import { devnetTrustStore } from '@xmargin/attestation/testing';
import type { AttestationRegistry } from '@xmargin/schemas/http';
import { bearer, type TestEngine } from './harness.js';

/** Installs the devnet guardian trust store and a registry through the admin API; throws on refusal. */
export async function configureAttestations(
  t: TestEngine,
  registry: Partial<AttestationRegistry>,
): Promise<void> {
  const app = t.engine.app!;
  const admin = bearer(t.adminKey);
  const trust = await app.inject({
    method: 'PUT',
    url: '/v1/admin/guardian-sets',
    headers: admin,
    payload: trustStoreToJson(devnetTrustStore()),
  });
  if (trust.statusCode !== 200) throw new Error(`guardian-sets: ${trust.body}`);
  const reg = await app.inject({
    method: 'PUT',
    url: '/v1/admin/attestation-registry',
    headers: admin,
    payload: { emitters: [], tokens: [], pythFeeds: [], ...registry },
  });
  if (reg.statusCode !== 200) throw new Error(`attestation-registry: ${reg.body}`);
}
