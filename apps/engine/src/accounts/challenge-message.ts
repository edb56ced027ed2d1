/**
 * The text an address owner signs to link it. It names the service, the account, the address and a
 * single-use nonce, so a signature cannot be replayed for another account, address or challenge.
 */
export function challengeMessage(p: {
  accountId: string;
  chain: string;
  address: string;
  nonce: string;
  expiresAt: number;
}): string {
  return [
    'xmargin: link this address to a margin account',
    `account: ${p.accountId}`,
    `chain: ${p.chain}`,
    `address: ${p.address}`,
    `nonce: ${p.nonce}`,
    `expires: ${new Date(p.expiresAt * 1000).toISOString()}`,
  ].join('\n');
}
