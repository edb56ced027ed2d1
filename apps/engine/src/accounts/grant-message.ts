/**
 * The text a linked address signs to authorise a protocol to report the account's positions (or to
 * revoke that). It names the service, the action, the account, the protocol, the signing address and a
 * single-use nonce, so a signature cannot be replayed for another account, protocol, action or challenge.
 */
export function grantMessage(p: {
  action: 'grant' | 'revoke';
  accountId: string;
  protocol: string;
  chain: string;
  address: string;
  nonce: string;
  expiresAt: number;
}): string {
  return [
    p.action === 'grant'
      ? 'xmargin: authorise a protocol to report positions for a margin account'
      : "xmargin: revoke a protocol's authorisation to report positions for a margin account",
    `account: ${p.accountId}`,
    `protocol: ${p.protocol}`,
    `chain: ${p.chain}`,
    `address: ${p.address}`,
    `nonce: ${p.nonce}`,
    `expires: ${new Date(p.expiresAt * 1000).toISOString()}`,
  ].join('\n');
}
