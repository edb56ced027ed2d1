import { code } from '../spec.js';

/** Which protocols may report positions for an account (grants signed by the account's addresses). */
export const tenancyCodes = {
  TENANCY__NOT_GRANTED: code<{ accountId: string; protocol: string }>(
    403,
    'The account has not authorised this protocol to report its positions',
  ),
  TENANCY__GRANT_NOT_FOUND: code<{ accountId: string; protocol: string }>(404, 'No active grant to revoke'),
} as const;
