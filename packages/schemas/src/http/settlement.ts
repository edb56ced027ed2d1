import { z } from 'zod';
import { accountIdString, decimalString, unixSeconds } from './common.js';

const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x EVM address');
const uintString = z.string().regex(/^\d+$/, 'expected a non-negative integer string');
const intString = z.string().regex(/^-?\d+$/, 'expected an integer string');
const hexSignature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'expected a 65-byte 0x signature');

const solanaAddress = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, 'expected a base58 Solana address');
const base58Signature = z
  .string()
  .regex(/^[1-9A-HJ-NP-Za-km-z]{64,90}$/, 'expected a base58 ed25519 signature');

/**
 * A withdrawal request. `address` is the linked address that owns the collateral and signs
 * `withdrawalRequestMessage`: on an EVM chain the vault account (EIP-191 `personal_sign`), on a Solana
 * chain a linked wallet (ed25519 over the UTF-8 message, 0x hex or base58). That signature proves the
 * owner asks for it, whoever (the trader, or a protocol holding a protocol key) sends the request.
 */
export const withdrawalBody = z
  .object({
    chain: z.string().min(1).max(64),
    asset: z.string().min(1).max(32),
    /** Amount in the asset's units, e.g. "125.5". */
    amount: decimalString,
    address: z.union([evmAddress, solanaAddress]),
    /**
     * Recipient on chain; defaults to `address`. Solana: the destination token account of the mint
     * (default: the associated token account of `address`).
     */
    to: z.union([evmAddress, solanaAddress]).optional(),
    /** Client-chosen id, single use per account: a signed request cannot be replayed. */
    requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8-64 of [A-Za-z0-9_-]'),
    /** Unix seconds after which the signed request is refused (at most 10 minutes ahead). */
    expiresAt: unixSeconds,
    signature: z.union([hexSignature, z.string().regex(/^0x[0-9a-fA-F]{128}$/), base58Signature]),
  })
  .strict();

const eip712Domain = z.object({
  name: z.literal('xmargin'),
  version: z.literal('1'),
  chainId: z.number().int().positive(),
  verifyingContract: evmAddress,
});

/** EIP-712 typed data of a vault Withdrawal or Seize (the same message fields). */
const authorisationTypedData = <T extends 'Withdrawal' | 'Seize'>(primaryType: T) =>
  z.object({
    domain: eip712Domain,
    primaryType: z.literal(primaryType),
    message: z.object({
      account: evmAddress,
      token: evmAddress,
      amount: uintString,
      to: evmAddress,
      nonce: uintString,
      deadline: uintString,
    }),
  });

/**
 * The engine-signed Seize of a vault-escrowed settlement instruction: anyone may submit
 * `vault.seize(typedData.message, signature)` before the deadline (the signature fixes the recipient).
 */
export const seizeAuthorisationDto = z.object({
  typedData: authorisationTypedData('Seize'),
  signature: hexSignature,
});

/** Reports the transaction that carries a signed Seize (the instruction becomes `submitted`). */
export const seizureSubmissionBody = z
  .object({ txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte 0x transaction hash') })
  .strict();

/** An authorised EVM withdrawal: submit `vault.withdraw(typedData.message, signature)` before the deadline. */
export const evmWithdrawalDto = z.object({
  accountId: accountIdString,
  withdrawalId: uintString,
  chain: z.string(),
  asset: z.string(),
  amount: decimalString,
  typedData: authorisationTypedData('Withdrawal'),
  signature: hexSignature,
  /** Until then (unless observed on chain earlier) the amount counts as withdrawn. */
  reservedUntil: unixSeconds,
  initialExcessAfter: z.number(),
});

/** A Solana escrow withdrawal the engine executed: the SPL transfer out of the account's escrow. */
export const solanaWithdrawalDto = z.object({
  accountId: accountIdString,
  withdrawalId: uintString,
  chain: z.string(),
  asset: z.string(),
  amount: decimalString,
  transfer: z.object({
    /** Transaction signature, base58. */
    signature: z.string(),
    slot: uintString,
    /** The escrow token account debited. */
    from: solanaAddress,
    /** The token account credited. */
    to: solanaAddress,
  }),
  initialExcessAfter: z.number(),
});

export const withdrawalDto = z.union([evmWithdrawalDto, solanaWithdrawalDto]);

/** Opens (idempotently) the account's Solana escrow for one asset. */
export const escrowBody = z
  .object({ chain: z.string().min(1).max(64), asset: z.string().min(1).max(32) })
  .strict();

/** A Solana escrow: deposit into `tokenAccount` (a plain SPL transfer); only the engine can move it out. */
export const escrowDto = z.object({
  accountId: accountIdString,
  chain: z.string(),
  asset: z.string(),
  mint: solanaAddress,
  tokenAccount: solanaAddress,
  /** The engine's escrow authority, owner of every escrow token account. */
  authority: solanaAddress,
});

export const marginStatementQuery = z
  .object({
    /** Chain id and contract that will verify the statement (its EIP-712 domain). */
    chainId: z.coerce.number().int().positive(),
    verifyingContract: evmAddress,
    /** The linked EVM address the statement names; defaults to the account's first linked one. */
    address: evmAddress.optional(),
  })
  .strict();

/** Engine-signed unified margin, verifiable on chain (MarginStatementVerifier). */
export const marginStatementDto = z.object({
  accountId: accountIdString,
  typedData: z.object({
    domain: eip712Domain,
    primaryType: z.literal('MarginStatement'),
    message: z.object({
      account: evmAddress,
      /** Fixed-point with `decimals` decimals; equity rounds down, requirements round up. */
      equity: intString,
      initialRequirement: uintString,
      maintenanceRequirement: uintString,
      paramsVersion: uintString,
      asOf: uintString,
      expiresAt: uintString,
    }),
  }),
  decimals: z.number().int(),
  signature: hexSignature,
  signer: evmAddress,
});
