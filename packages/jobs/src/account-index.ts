import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Redis index of which accounts are exposed to which underlying, plus each account's current queue
 * priority. The recompute worker writes it after every snapshot (it knows the account's positions and
 * collateral then); `market-move` reads it to fan out. Redis, not Postgres, because the fan-out runs on
 * every price tick and must not touch the database.
 */
export interface AccountIndex {
  /** Replaces the account's set of underlyings and records its priority, atomically. */
  setAccountState(
    accountId: string,
    state: { underlyings: readonly string[]; priority: number },
  ): Promise<void>;
  /**
   * Queues the same update on a pipeline or MULTI of this index's connection, so a recompute sends its
   * cache, index and event writes in one round trip (the caller executes it and checks the replies).
   */
  queueAccountState(
    pipeline: ChainableCommander,
    accountId: string,
    state: { underlyings: readonly string[]; priority: number },
  ): void;
  accountsExposedTo(underlying: string): Promise<string[]>;
  /** Priorities of the given accounts (undefined where none is recorded). */
  priorities(accountIds: readonly string[]): Promise<(number | undefined)[]>;
  underlyingsOf(accountId: string): Promise<string[]>;
}

// Lua so the diff between the old and new exposure sets cannot interleave with another writer. Only the
// difference is written: an account's exposure rarely changes between recomputes, and rewriting every
// set on each recompute was most of this script's Redis time.
const SET_STATE = `
local accKey = KEYS[1]
local prioKey = KEYS[2]
local exposurePrefix = ARGV[1]
local account = ARGV[2]
local priority = ARGV[3]
local wanted = {}
for i = 4, #ARGV do wanted[ARGV[i]] = true end
for _, u in ipairs(redis.call('SMEMBERS', accKey)) do
  if wanted[u] then
    wanted[u] = nil
  else
    redis.call('SREM', exposurePrefix .. u, account)
    redis.call('SREM', accKey, u)
  end
end
for u in pairs(wanted) do
  redis.call('SADD', exposurePrefix .. u, account)
  redis.call('SADD', accKey, u)
end
redis.call('HSET', prioKey, account, priority)
return #ARGV - 3
`;

// Registered as a script command: ioredis sends EVALSHA (not the script text) on every call, loading
// the script first where the server lacks it, in pipelines too.
const COMMAND = 'xmarginSetAccountState';
type WithCommand = { [COMMAND](...args: string[]): Promise<unknown> };

export function createAccountIndex(redis: Redis, prefix: string): AccountIndex {
  const base = `${prefix}:account-index`;
  const exposurePrefix = `${base}:exposure:`;
  const accountKey = (a: string) => `${base}:account:${a}`;
  const priorityKey = `${base}:priority`;
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: SET_STATE });
  const args = (
    accountId: string,
    { underlyings, priority }: { underlyings: readonly string[]; priority: number },
  ) => [
    accountKey(accountId),
    priorityKey,
    exposurePrefix,
    accountId,
    String(priority),
    ...new Set(underlyings),
  ];
  return {
    async setAccountState(accountId, state) {
      await (redis as unknown as WithCommand)[COMMAND](...args(accountId, state));
    },
    queueAccountState(pipeline, accountId, state) {
      (pipeline as unknown as WithCommand)[COMMAND](...args(accountId, state));
    },
    async accountsExposedTo(underlying) {
      return (await redis.smembers(`${exposurePrefix}${underlying}`)).sort();
    },
    async priorities(accountIds) {
      if (accountIds.length === 0) return [];
      const values = await redis.hmget(priorityKey, ...accountIds);
      return values.map((v) => (v === null ? undefined : Number(v)));
    },
    async underlyingsOf(accountId) {
      return (await redis.smembers(accountKey(accountId))).sort();
    },
  };
}
