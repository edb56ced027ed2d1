import { z } from 'zod';
import { accountIdString, unixSeconds } from './common.js';

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
