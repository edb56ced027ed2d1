import type { Redis } from 'ioredis';

export interface AdminAuditEntry {
  readonly id: string;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail: string;
}

/**
 * Audit log of operator actions that are not risk parameters (those have their own, in Postgres):
 * job retries and discards. A capped Redis stream under the engine prefix; every entry names the key
 * that acted.
 */
export interface AdminAudit {
  record(entry: Omit<AdminAuditEntry, 'id' | 'at'>): Promise<void>;
  list(limit: number): Promise<AdminAuditEntry[]>;
}

const MAX_ENTRIES = 10_000;

export function createAdminAudit(redis: Redis, prefix: string, now: () => number = Date.now): AdminAudit {
  const key = `${prefix}:admin-audit`;
  return {
    async record(e) {
      await redis.xadd(
        key,
        'MAXLEN',
        '~',
        MAX_ENTRIES,
        '*',
        'at',
        String(now()),
        'actor',
        e.actor,
        'action',
        e.action,
        'target',
        e.target,
        'detail',
        e.detail,
      );
    },
    async list(limit) {
      const raw = await redis.xrevrange(key, '+', '-', 'COUNT', limit);
      return raw.map(([id, fields]) => {
        const f = new Map<string, string>();
        for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i] ?? '', fields[i + 1] ?? '');
        return {
          id,
          at: Number(f.get('at') ?? 0),
          actor: f.get('actor') ?? '',
          action: f.get('action') ?? '',
          target: f.get('target') ?? '',
          detail: f.get('detail') ?? '',
        };
      });
    },
  };
}
