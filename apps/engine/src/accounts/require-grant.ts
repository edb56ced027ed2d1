import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { GrantsRepository } from '@xmargin/store';

/** A protocol may report an account's positions only while the account authorises it (see README). */
export async function requireGrant(
  grants: GrantsRepository,
  account: AccountId,
  protocol: string,
): Promise<void> {
  if (!(await grants.isGranted(account, protocol))) {
    throw new AppError('TENANCY__NOT_GRANTED', {
      context: { accountId: account, protocol },
      shortMessage: `Account ${account} has not authorised protocol ${protocol} to report its positions`,
    });
  }
}
