/**
 * The text the vault account's owner signs (EIP-191) to ask for a withdrawal. It names the service, the
 * account, every field of the withdrawal and a single-use request id with an expiry, so the signature
 * cannot be replayed for another amount, recipient, account or request.
 */
export function withdrawalRequestMessage(p: {
  accountId: string;
  chain: string;
  asset: string;
  amount: string;
  from: string;
  to: string;
  requestId: string;
  expiresAt: number;
}): string {
  return [
    'xmargin: authorise a withdrawal',
    `account: ${p.accountId}`,
    `chain: ${p.chain}`,
    `asset: ${p.asset}`,
    `amount: ${p.amount}`,
    `from: ${p.from.toLowerCase()}`,
    `to: ${p.to.toLowerCase()}`,
    `request: ${p.requestId}`,
    `expires: ${new Date(p.expiresAt * 1000).toISOString()}`,
  ].join('\n');
}
