import type { TrustStore } from '@xmargin/attestation';
import { AppError } from '@xmargin/errors';
import type { EngineContext } from '../context.js';

export async function requireTrustStore(ctx: EngineContext): Promise<TrustStore> {
  const store = await ctx.registry.trustStore();
  if (!store) {
    throw new AppError('ATTESTATION__UNKNOWN_GUARDIAN_SET', {
      context: { index: -1 },
      shortMessage: 'No guardian trust store is configured (admin: PUT /v1/admin/guardian-sets)',
    });
  }
  return store;
}
