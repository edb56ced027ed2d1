import { requestWithdrawal, type Stack, waitFor } from '../../test/src/harness/index.js';
import { money } from './table.js';

const USDC = 1_000_000n;
type Address = `0x${string}`;

/**
 * Binding collateral on the demo book. `acc_alpha` (calls on EVM hedged by a Solana perp, USDC in the
 * vault on `evm-devnet`) withdraws what its margin allows: authorised and paid by the vault.
 * `acc_charlie`'s leveraged perp on the Solana venue needs its vault USDC: withdrawing all of it is
 * refused with the most that may leave. A forced withdrawal by `acc_alpha` counts as withdrawn as soon
 * as it is requested on chain.
 */
export async function demoBindingCollateral(
  s: Stack,
  hedged: { accountId: string; trader: Address },
  leveraged: { accountId: string; trader: Address },
  out: (text: string) => void,
): Promise<void> {
  const { accountId, trader } = hedged;
  const key = await s.engine.createKey('protocol', 'binding-demo');
  const reader = await s.protocol('binding-demo');
  const excess = async () => (await reader.margin.whatIf(accountId, {})).current.initialExcess;
  const ask = (amount: string, who = hedged) =>
    requestWithdrawal({
      engineUrl: s.engine.url,
      apiKey: key,
      wallet: s.evm.walletClient,
      accountId: who.accountId,
      chain: 'evm-devnet',
      asset: 'USDC',
      amount,
      address: who.trader,
    });
  const lines: string[] = [];
  const start = await excess();
  lines.push(`initial excess before: ${money(start)}`);

  const ok = await ask('1000');
  const m = ok.body.typedData?.message;
  if (ok.status !== 201 || !m || !ok.body.signature)
    throw new Error(`withdrawal of 1000 USDC was not authorised: ${JSON.stringify(ok.body)}`);
  await s.evm.submitWithdrawal({
    from: trader,
    message: { ...m, amount: BigInt(m.amount), nonce: BigInt(m.nonce), deadline: BigInt(m.deadline) },
    signature: ok.body.signature,
  });
  lines.push(
    `withdraw 1,000 USDC on evm-devnet: authorised (nonce ${m.nonce}), paid by the vault; vault balance now ${money(
      Number((await s.evm.vaultBalance(trader, 'USDC')) / USDC),
    )}`,
  );

  const vaulted = (await s.evm.vaultBalance(leveraged.trader, 'USDC')) / USDC;
  const all = await ask(String(vaulted), leveraged);
  if (all.status !== 422 || !all.body.error)
    throw new Error(`full withdrawal was not refused: ${all.status}`);
  lines.push(
    `${leveraged.accountId} withdraws all ${money(Number(vaulted))} USDC from evm-devnet: refused, ${
      all.body.error.code
    } (its perp on the Solana venue needs it); at most ${money(Number(all.body.error.context.maxAmount))} may leave`,
  );

  // Until the engine has observed the executed withdrawal, an attested balance that already carries the
  // debit can be counted next to the open reservation (twice, the conservative side) for a moment: take
  // the baseline once the withdrawal counts once.
  const beforeForced = await waitFor(
    async () => {
      const now = await excess();
      return now > start - 1_500 ? now : undefined;
    },
    { what: 'the executed withdrawal counted once', timeoutMs: 120_000, intervalMs: 300 },
  );
  await s.evm.requestForcedWithdrawal({ from: trader, token: 'USDC', amount: 500n * USDC });
  const counted = await waitFor(
    async () => {
      const now = await excess();
      return now < beforeForced - 450 ? now : undefined;
    },
    { what: 'the forced withdrawal counted by the engine', timeoutMs: 180_000, intervalMs: 300 },
  );
  lines.push(
    `forced withdrawal of 500 USDC requested on chain (executable after 7 days): counted at once, initial excess ${money(
      beforeForced,
    )} -> ${money(counted)}`,
  );
  out(
    `\nBinding collateral (${accountId}, ${leveraged.accountId})\n\n${lines.map((l) => `  ${l}`).join('\n')}\n`,
  );
}
