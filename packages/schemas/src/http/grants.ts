import { z } from 'zod';
import { addressChain } from './accounts.js';
import { accountIdString, unixSeconds } from './common.js';

/** A protocol name as API key scopes carry it. */
export const protocolName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 of [A-Za-z0-9._-]');

export const grantChallengeBody = z
  .object({
    action: z.enum(['grant', 'revoke']),
    protocol: protocolName,
    /** A linked address of the account that will sign. */
    chain: addressChain,
    address: z.string().min(32).max(64),
  })
  .strict();

export const signedGrantBody = z
  .object({
    challengeId: z.string().min(1).max(64),
    chain: addressChain,
    address: z.string().min(32).max(64),
    /** EVM: 0x hex 65-byte signature; Solana: 0x hex or base58 of the 64-byte ed25519 signature. */
    signature: z.string().min(64).max(200),
  })
  .strict();

export const grantDto = z.object({
  protocol: z.string(),
  /** `evm:0x…` / `solana:…` (signed by that address), `creator:<key id>`, `admin:<name>` or `migration`. */
  grantedBy: z.string(),
  grantedAt: unixSeconds,
  revokedAt: unixSeconds.nullable(),
  active: z.boolean(),
});

export const grantsDto = z.object({ accountId: accountIdString, grants: z.array(grantDto) });

export const grantParams = z.object({ accountId: accountIdString, protocol: protocolName });
