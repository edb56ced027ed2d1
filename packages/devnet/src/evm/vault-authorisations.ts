import { type AuthorisationMessage, seizeTypes, withdrawalTypes, xmarginDomain } from '@xmargin/contracts';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

export interface SignAuthorisationParameters {
  readonly account: Address;
  readonly token: Address;
  readonly amount: bigint;
  readonly to: Address;
  readonly nonce: bigint;
  readonly deadline: bigint;
}

export interface SignedAuthorisation {
  readonly message: AuthorisationMessage;
  readonly signature: Hex;
}

/** Signs Withdrawal and Seize authorisations for one vault, as the engine does with its settlement key. */
export function createVaultAuthoriser(p: { chainId: number; vault: Address }) {
  const domain = xmarginDomain(p.chainId, p.vault);
  const toMessage = (a: SignAuthorisationParameters): AuthorisationMessage => ({
    account: a.account,
    token: a.token,
    amount: a.amount,
    to: a.to,
    nonce: a.nonce,
    deadline: a.deadline,
  });
  return {
    async signWithdrawal(key: Hex, a: SignAuthorisationParameters): Promise<SignedAuthorisation> {
      const message = toMessage(a);
      const signature = await privateKeyToAccount(key).signTypedData({
        domain,
        types: withdrawalTypes,
        primaryType: 'Withdrawal',
        message,
      });
      return { message, signature };
    },
    async signSeize(key: Hex, a: SignAuthorisationParameters): Promise<SignedAuthorisation> {
      const message = toMessage(a);
      const signature = await privateKeyToAccount(key).signTypedData({
        domain,
        types: seizeTypes,
        primaryType: 'Seize',
        message,
      });
      return { message, signature };
    },
  };
}
