/**
 * Business keys for jobs. BullMQ reserves ':' in ids (it is the Redis key separator), so the keys are
 * plain concatenations with ':' replaced.
 */
export function indexChainSchedulerKey(chain: string): string {
  return `index-chain-${chain.replaceAll(':', '_')}`;
}

export const reverifySchedulerKey = 'reverify-expiring';
