import { collateralVaultAbi } from '@xmargin/contracts';
import { type AccountId, universalAddress } from '@xmargin/core';
import type { Store } from '@xmargin/store';
import { createPublicClient, getAbiItem, http, type PublicClient } from 'viem';
import type { EvmNetwork } from './settlement-settings.js';

/** A forced request stays counted until executed or replaced; it has no deadline of its own. */
const FORCED_RESERVATION_SECONDS = 365 * 86_400;
const RANGE = 2_000n;
const earliest = (xs: readonly bigint[]): bigint =>
  [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0] ?? 0n;

const events = [
  getAbiItem({ abi: collateralVaultAbi, name: 'WithdrawalAuthorised' }),
  getAbiItem({ abi: collateralVaultAbi, name: 'ForcedWithdrawalRequested' }),
  getAbiItem({ abi: collateralVaultAbi, name: 'ForcedWithdrawalExecuted' }),
  getAbiItem({ abi: collateralVaultAbi, name: 'Seized' }),
];

export interface VaultEventObserver {
  /**
   * One round for a chain: reads the vault's settlement events since its cursor, up to `upTo` when
   * given (never past the final head); returns the accounts it changed.
   */
  observe(chain: string, upTo?: bigint): Promise<AccountId[]>;
}

/** The observer's cursor lives beside the balance indexer's, under its own key. */
export const settlementCursorKey = (chain: string): string => `${chain}#settlement`;

/**
 * Follows the vault events that open and close withdrawal reservations and confirm seizures (`Seized`): a ForcedWithdrawalRequested
 * opens one at once (the engine treats it as a pending withdrawal: margin recomputed as if it had left),
 * and WithdrawalAuthorised / ForcedWithdrawalExecuted record the block of the debit, from which the
 * indexed balances include it. Up to `finalityDepth` blocks behind the head, like the balance indexer.
 */
export function createVaultEventObserver(
  store: Store,
  networks: readonly EvmNetwork[],
  clientFor: (n: EvmNetwork) => PublicClient = (n) =>
    createPublicClient({ transport: http(n.rpcUrl) }) as PublicClient,
): VaultEventObserver {
  const clients = new Map<string, PublicClient>();
  return {
    async observe(chain, upTo) {
      const n = networks.find((x) => x.chain === chain);
      if (!n || n.vaults.length === 0) return [];
      let client = clients.get(chain);
      if (!client) {
        client = clientFor(n);
        clients.set(chain, client);
      }
      const cursor = await store.cursors.get(settlementCursorKey(chain));
      const start = cursor ? cursor.height + 1n : earliest(n.vaults.map((v) => v.startBlock));
      const final = (await client.getBlockNumber({ cacheTime: 0 })) - BigInt(n.finalityDepth ?? 0);
      const head = upTo !== undefined && upTo < final ? upTo : final;
      if (head < start) return [];
      const tokens = new Map(Object.entries(n.tokens).map(([a, t]) => [a.toLowerCase(), t.asset]));
      const changed = new Set<AccountId>();
      for (let from = start; from <= head; from += RANGE) {
        const to = from + RANGE - 1n < head ? from + RANGE - 1n : head;
        const logs = await client.getLogs({
          address: n.vaults.map((v) => v.address as `0x${string}`),
          events,
          fromBlock: from,
          toBlock: to,
          strict: true,
        });
        for (const log of logs) {
          const holder = universalAddress(log.args.account.toLowerCase());
          if (log.eventName === 'WithdrawalAuthorised') {
            const acc = await store.withdrawalReservations.markExecuted({
              chain,
              holder,
              id: log.args.nonce,
              height: log.blockNumber,
            });
            if (acc) changed.add(acc);
            continue;
          }
          if (log.eventName === 'Seized') {
            // A liquidation's Seize executed: its instruction is confirmed, and from this round on the
            // indexed balances (read to the same height) carry the debit instead of the instruction.
            const done = await store.liquidations.markSeizureConfirmed({
              chain,
              fromAddress: log.args.account.toLowerCase(),
              nonce: log.args.nonce,
              txHash: log.transactionHash,
              height: log.blockNumber,
            });
            if (done) for (const acc of [done.fromAccount, done.toAccount]) changed.add(acc);
            continue;
          }
          const token = log.args.token.toLowerCase();
          if (log.eventName === 'ForcedWithdrawalExecuted') {
            for (const acc of await store.withdrawalReservations.markForcedExecuted({
              chain,
              holder,
              token: universalAddress(token),
              height: log.blockNumber,
            }))
              changed.add(acc);
            continue;
          }
          const account = await store.accounts.findByAddress('evm', log.args.account.toLowerCase());
          const asset = tokens.get(token);
          if (!account || !asset) continue;
          const executableAt = Number(log.args.executableAt);
          const requestKey = `forced:${chain}:${log.transactionHash}:${log.logIndex}`;
          await store.transaction(async (tx) => {
            // A new request replaces the previous one for the token (as in the vault).
            await tx.withdrawalReservations.replaceForced({
              chain,
              holder,
              token: universalAddress(token),
              keep: requestKey,
            });
            await tx.withdrawalReservations.createOnce({
              account,
              kind: 'forced',
              chain,
              asset,
              holder,
              token: universalAddress(token),
              amount: log.args.amount,
              deadline: BigInt(executableAt),
              expiresAt: new Date((executableAt + FORCED_RESERVATION_SECONDS) * 1000),
              requestKey,
            });
          });
          changed.add(account);
        }
        const block = await client.getBlock({ blockNumber: to });
        await store.cursors.set({ chain: settlementCursorKey(chain), height: to, blockHash: block.hash });
      }
      return [...changed].sort();
    },
  };
}
