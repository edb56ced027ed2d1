import { AppError } from '@xmargin/errors';
import type { AccountsRepository } from '@xmargin/store';
import type { Principal } from '../http/auth.js';

/** A key may create at most `limit` accounts (admin keys are operators: not capped). */
export async function checkAccountQuota(
  accounts: AccountsRepository,
  principal: Principal,
  limit: number,
): Promise<void> {
  if (principal.role === 'admin') return;
  if ((await accounts.countCreatedBy(principal.keyId)) >= limit) {
    throw new AppError('API__QUOTA_EXCEEDED', {
      context: { resource: 'accounts', limit },
      shortMessage: `This API key already created ${limit} accounts (MAX_ACCOUNTS_PER_KEY)`,
    });
  }
}
