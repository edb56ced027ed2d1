import { randomBytes } from 'node:crypto';
import { type Address, type Hex, toHex, type WalletClient } from 'viem';

export interface WithdrawalAnswer {
  readonly status: number;
  readonly body: {
    readonly error?: {
      code: string;
      message: string;
      context: Record<string, unknown> & { maxAmount?: string };
    };
    readonly typedData?: {
      domain: { chainId: number; verifyingContract: Address };
      message: {
        account: Address;
        token: Address;
        amount: string;
        to: Address;
        nonce: string;
        deadline: string;
      };
    };
    readonly signature?: Hex;
    readonly initialExcessAfter?: number;
  };
}

/**
 * Asks the engine to authorise a vault withdrawal as a trader's wallet does: signs the request text with
 * EIP-191 (ganache's `eth_sign`, same prefix as personal_sign) as the vault account, then posts it.
 */
export async function requestWithdrawal(p: {
  engineUrl: string;
  apiKey: string;
  wallet: WalletClient;
  accountId: string;
  chain: string;
  asset: string;
  amount: string;
  address: Address;
}): Promise<WithdrawalAnswer> {
  const requestId = randomBytes(8).toString('hex');
  const expiresAt = Math.floor(Date.now() / 1000) + 300;
  const from = p.address.toLowerCase();
  const message = [
    'xmargin: authorise a withdrawal',
    `account: ${p.accountId}`,
    `chain: ${p.chain}`,
    `asset: ${p.asset}`,
    `amount: ${p.amount}`,
    `from: ${from}`,
    `to: ${from}`,
    `request: ${requestId}`,
    `expires: ${new Date(expiresAt * 1000).toISOString()}`,
  ].join('\n');
  const signature = (await p.wallet.request({
    method: 'eth_sign',
    params: [p.address, toHex(message)],
  })) as Hex;
  const res = await fetch(`${p.engineUrl}/v1/accounts/${p.accountId}/withdrawals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      chain: p.chain,
      asset: p.asset,
      amount: p.amount,
      address: p.address,
      requestId,
      expiresAt,
      signature,
    }),
  });
  return { status: res.status, body: (await res.json()) as WithdrawalAnswer['body'] };
}
