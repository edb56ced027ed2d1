// The EIP-712 types the contracts verify, declared once for every signer and verifier in TypeScript (the
// engine signs with them, the devnet and tests sign and check with them). They must match the type
// strings in contracts/CollateralVault.sol and contracts/MarginStatementVerifier.sol: a test hashes both.
import type { Address, TypedDataDomain } from 'viem';

export const xmarginDomainName = 'xmargin';
export const xmarginDomainVersion = '1';

/** The domain of an authorisation verified by `verifyingContract` (the vault, or a statement consumer). */
export function xmarginDomain(chainId: number, verifyingContract: Address): TypedDataDomain {
  return { name: xmarginDomainName, version: xmarginDomainVersion, chainId, verifyingContract };
}

const authorisationFields = [
  { name: 'account', type: 'address' },
  { name: 'token', type: 'address' },
  { name: 'amount', type: 'uint256' },
  { name: 'to', type: 'address' },
  { name: 'nonce', type: 'uint256' },
  { name: 'deadline', type: 'uint256' },
] as const;

export const withdrawalTypes = { Withdrawal: authorisationFields } as const;
export const seizeTypes = { Seize: authorisationFields } as const;
export const marginStatementTypes = {
  MarginStatement: [
    { name: 'account', type: 'address' },
    { name: 'equity', type: 'int256' },
    { name: 'initialRequirement', type: 'uint256' },
    { name: 'maintenanceRequirement', type: 'uint256' },
    { name: 'paramsVersion', type: 'uint64' },
    { name: 'asOf', type: 'uint64' },
    { name: 'expiresAt', type: 'uint64' },
  ],
} as const;

/** A Withdrawal or Seize message (the same fields). */
export interface AuthorisationMessage {
  readonly account: Address;
  readonly token: Address;
  readonly amount: bigint;
  readonly to: Address;
  readonly nonce: bigint;
  readonly deadline: bigint;
}

export interface MarginStatementMessage {
  readonly account: Address;
  readonly equity: bigint;
  readonly initialRequirement: bigint;
  readonly maintenanceRequirement: bigint;
  readonly paramsVersion: bigint;
  readonly asOf: bigint;
  readonly expiresAt: bigint;
}
