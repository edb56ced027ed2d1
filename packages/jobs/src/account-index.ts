import type { Redis } from 'ioredis';

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
  accountsExposedTo(underlying: string): Promise<string[]>;
  /** Priorities of the given accounts (undefined where none is recorded). */
  priorities(accountIds: readonly string[]): Promise<(number | undefined)[]>;
  underlyingsOf(accountId: string): Promise<string[]>;
}

// Lua so the diff between the old and new exposure sets cannot interleave with another writer.
const SET_STATE = `
local accKey = KEYS[1]
local prioKey = KEYS[2]
local exposurePrefix = ARGV[1]
local account = ARGV[2]
local priority = ARGV[3]
local old = redis.call('SMEMBERS', accKey)
for _, u in ipairs(old) do redis.call('SREM', exposurePrefix .. u, account) end
redis.call('DEL', accKey)
for i = 4, #ARGV do
  redis.call('SADD', exposurePrefix .. ARGV[i], account)
  redis.call('SADD', accKey, ARGV[i])
end
redis.call('HSET', prioKey, account, priority)
return #ARGV - 3
`;

export function createAccountIndex(redis: Redis, prefix: string): AccountIndex {
  const base = `${prefix}:account-index`;
  const exposurePrefix = `${base}:exposure:`;
  const accountKey = (a: string) => `${base}:account:${a}`;
  const priorityKey = `${base}:priority`;
  return {
    async setAccountState(accountId, { underlyings, priority }) {
      const unique = [...new Set(underlyings)];
      await redis.eval(
        SET_STATE,
        2,
        accountKey(accountId),
        priorityKey,
        exposurePrefix,
        accountId,
        String(priority),
        ...unique,
      );
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
