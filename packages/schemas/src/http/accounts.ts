import { z } from 'zod';
import { accountIdString, finite, unixSeconds } from './common.js';

export const addressChain = z.enum(['evm', 'solana']);
export type AddressChain = z.infer<typeof addressChain>;

export const createAccountBody = z
  .object({
    /** Client-chosen id; generated when absent. */
    accountId: accountIdString.optional(),
  })
  .strict();

export const linkedAddress = z.object({
  chain: addressChain,
  /** EVM: lower-case 0x hex; Solana: base58. */
  address: z.string(),
  linkedAt: unixSeconds,
});
export type LinkedAddress = z.infer<typeof linkedAddress>;

export const accountDto = z
  .object({ accountId: accountIdString, createdAt: unixSeconds, addresses: z.array(linkedAddress) })
  .meta({ id: 'Account' });
export type AccountDto = z.infer<typeof accountDto>;

export const challengeBody = z.object({ chain: addressChain, address: z.string().min(32).max(64) }).strict();

export const challengeDto = z.object({
  challengeId: z.string(),
  /** The exact text to sign (EIP-191 personal_sign for EVM, raw UTF-8 bytes for Solana ed25519). */
  message: z.string(),
  expiresAt: unixSeconds,
});

export const linkAddressBody = z
  .object({
    challengeId: z.string().min(1).max(64),
    chain: addressChain,
    address: z.string().min(32).max(64),
    /** EVM: 0x hex 65-byte signature; Solana: 0x hex or base58 of the 64-byte ed25519 signature. */
    signature: z.string().min(64).max(200),
  })
  .strict();

export const addressListDto = z.object({ accountId: accountIdString, addresses: z.array(linkedAddress) });

/** `GET /v1/accounts`: one page of the accounts the caller may see, in id order. */
export const listAccountsQuery = z
  .object({
    /** Page size. */
    limit: z.coerce.number().int().min(1).max(500).default(100),
    /** Opaque: the `nextCursor` of the previous page. */
    cursor: z.string().min(1).max(200).optional(),
    /** Only accounts whose latest snapshot's maintenance excess (stable units) is below this. */
    maxMaintenanceExcess: z.coerce.number().finite().optional(),
    /** Only accounts that grant this protocol (a protocol key always sees only its own). */
    protocol: z.string().min(1).max(64).optional(),
  })
  .strict();

export const accountListItem = z.object({
  accountId: accountIdString,
  createdAt: unixSeconds,
  /** The latest margin snapshot (history row) the filter reads; null before the first one. */
  margin: z
    .object({
      computedAt: unixSeconds,
      equity: finite,
      initialRequirement: finite,
      maintenanceRequirement: finite,
      initialExcess: finite,
      maintenanceExcess: finite,
    })
    .nullable(),
});

export const accountListDto = z
  .object({
    accounts: z.array(accountListItem),
    /** Pass as `cursor` for the next page; null on the last one. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AccountList' });
export type AccountListDto = z.infer<typeof accountListDto>;
