import { AppError } from '@xmargin/errors';
import { type AbiParameter, type Address, type Hash, type Hex, type RpcLog, toEventSelector } from 'viem';
import { vaultEventsAbi } from './vault-events.js';

export interface VaultLog {
  readonly kind: 'deposit' | 'withdraw';
  /** Lower-case. */
  readonly account: Address;
  /** Lower-case. */
  readonly token: Address;
  readonly amount: bigint;
  readonly balance: bigint;
  readonly vaultNonce: bigint;
  readonly vault: Address;
  readonly blockNumber: bigint;
  readonly blockHash: Hash;
  readonly transactionHash: Hash;
  readonly logIndex: number;
  /** The block's time: from the event's `timestamp` (or the node's `blockTimestamp` on the log). */
  readonly blockTimestamp?: bigint;
}

type VaultEvent = (typeof vaultEventsAbi)[number];

/**
 * The word layout of one vault event, derived from its ABI entry (the single declaration): indexed
 * inputs are topics 1..n, the others are consecutive 32-byte data words. Every input of these events is
 * a static type (address, uint), which is what lets a log be decoded by slicing instead of running a
 * general ABI decoder per log — the backfill hot path.
 */
function layoutOf(event: VaultEvent) {
  const inputs: readonly (AbiParameter & { indexed?: boolean })[] = event.inputs;
  const indexed = inputs.filter((i) => i.indexed).map((i) => i.name);
  const words = inputs.filter((i) => !i.indexed).map((i) => i.name);
  const topicOf = (name: string) => indexed.indexOf(name) + 1;
  return {
    kind: event.name === 'Deposit' ? ('deposit' as const) : ('withdraw' as const),
    topics: indexed.length + 1,
    words: words.length,
    account: topicOf('account'),
    token: topicOf('token'),
    amount: words.indexOf('amount'),
    balance: words.indexOf('balance'),
    vaultNonce: words.indexOf('vaultNonce'),
    timestamp: words.indexOf('timestamp'),
  };
}

const layouts = new Map(vaultEventsAbi.map((e) => [toEventSelector(e), layoutOf(e)]));

/** topic0 of every vault event the adapter reads, for the `eth_getLogs` filter. */
export const vaultEventTopics: readonly Hex[] = [...layouts.keys()];

const word = (data: string, i: number): bigint => BigInt(`0x${data.slice(2 + i * 64, 2 + (i + 1) * 64)}`);
const topicAddress = (topic: string): Address => `0x${topic.slice(26).toLowerCase()}`;

/** Decodes one raw vault log; null for logs of other events. */
export function decodeVaultLog(log: RpcLog, chain: string): VaultLog | null {
  const topic0 = log.topics[0];
  const layout = topic0 === undefined ? undefined : layouts.get(topic0.toLowerCase() as Hex);
  if (!layout) return null;
  if (
    log.topics.length !== layout.topics ||
    log.data.length !== 2 + 64 * layout.words ||
    log.blockHash === null
  ) {
    throw new AppError('CHAIN__RPC_ERROR', {
      shortMessage: 'Vault log does not match the Deposit/Withdraw layout',
      context: { chain, method: 'eth_getLogs' },
      details: `log ${log.transactionHash}:${log.logIndex} of ${log.address}`,
    });
  }
  return {
    kind: layout.kind,
    account: topicAddress(log.topics[layout.account]!),
    token: topicAddress(log.topics[layout.token]!),
    amount: word(log.data, layout.amount),
    balance: word(log.data, layout.balance),
    vaultNonce: word(log.data, layout.vaultNonce),
    vault: log.address.toLowerCase() as Address,
    blockNumber: BigInt(log.blockNumber!),
    blockHash: log.blockHash,
    transactionHash: log.transactionHash!,
    logIndex: Number(log.logIndex),
    ...(layout.timestamp >= 0
      ? { blockTimestamp: word(log.data, layout.timestamp) }
      : log.blockTimestamp
        ? { blockTimestamp: BigInt(log.blockTimestamp) }
        : {}),
  };
}
