/**
 * Business keys for jobs. BullMQ reserves ':' in ids (it is the Redis key separator), and account ids
 * never contain one, so the keys are plain concatenations.
 */
export function recomputeJobKey(accountId: string): string {
  return `recompute-${accountId}`;
}

export function marketMoveJobKey(underlying: string): string {
  return `market-move-${underlying.replaceAll(':', '_')}`;
}

export function indexChainSchedulerKey(chain: string): string {
  return `index-chain-${chain.replaceAll(':', '_')}`;
}

export const reverifySchedulerKey = 'reverify-expiring';
