import type { AccountId } from '@xmargin/core';
import type { Store, WebhookWithSecret } from '@xmargin/store';
import type { Redis } from 'ioredis';
import type { LiquidationEvent } from '../liquidation/liquidation-events.js';
import type { RedisKeys } from '../redis-keys.js';
import { parseEntries, settledOrAfter } from '../stream/event-log.js';
import type { MarginEvent } from '../stream/margin-events.js';
import type { WebhookQueue } from './webhook-queue.js';

const GROUP = 'webhooks';
/** A pending entry of a consumer that stopped is taken over after this long. */
const CLAIM_IDLE_MS = 60_000;

export type WebhookKind = 'threshold' | 'auction';

export interface WebhookDispatcherParameters {
  readonly store: Pick<Store, 'webhooks' | 'grants'>;
  /** Command connection (XACK, XGROUP, XAUTOCLAIM). */
  readonly redis: Redis;
  /** A connection for the blocking XREADGROUP only. */
  readonly blocking: Redis;
  readonly keys: Pick<RedisKeys, 'marginAlerts' | 'liquidationEvents'>;
  readonly queue: WebhookQueue;
  readonly consumer: string;
  readonly onError: (err: unknown) => void;
}

/**
 * A batch that fails (Postgres down) stays pending in the group and is claimed again once idle for
 * CLAIM_IDLE_MS: at least once, and the (webhook, event id) key makes it once.
 */
export interface WebhookDispatcher {
  stop(): Promise<void>;
}

/** The webhook kind of a logged event, or null when no webhook receives it. */
function kindOf(key: string, keys: WebhookDispatcherParameters['keys'], event: unknown): WebhookKind | null {
  if (key === keys.liquidationEvents) return 'auction';
  return (event as MarginEvent).type === 'threshold' ? 'threshold' : null;
}

/**
 * Reads the margin and liquidation event logs through a consumer group (each entry handled by one worker
 * process; entries of a stopped one are claimed), and turns each event into one delivery per webhook
 * subscribed to its kind whose protocol the account granted (tenancy; a book-wide event such as the
 * withdrawal block has no account and goes to every subscriber). The delivery row is keyed by
 * (webhook, event id) and so is the job: handling an entry twice delivers it once. Entries are
 * acknowledged once their deliveries are queued.
 */
export async function startWebhookDispatcher(p: WebhookDispatcherParameters): Promise<WebhookDispatcher> {
  // The margin log's threshold events, mirrored with their margin-log ids (a market move's plain
  // margin updates never pass through the group), and the auction log.
  const streams = [p.keys.marginAlerts, p.keys.liquidationEvents];
  const ensureGroups = async () => {
    for (const key of streams) {
      // From the log's end at the group's first creation: webhooks announce what happens after they exist.
      await p.redis.xgroup('CREATE', key, GROUP, '$', 'MKSTREAM').catch((err: unknown) => {
        if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
      });
    }
  };
  await ensureGroups();

  const handle = async (key: string, entries: [string, string[]][]) => {
    if (entries.length === 0) return;
    let subscribers: Map<WebhookKind, WebhookWithSecret[]> | undefined;
    const granted = new Map<string, boolean>();
    for (const { id, event } of parseEntries<MarginEvent | LiquidationEvent>(entries)) {
      const kind = kindOf(key, p.keys, event);
      if (kind === null) continue;
      subscribers ??= new Map();
      let hooks = subscribers.get(kind);
      if (!hooks) {
        hooks = await p.store.webhooks.subscribers([kind]);
        subscribers.set(kind, hooks);
      }
      const account = event.accountId;
      for (const hook of hooks.filter((h) => h.kinds.includes(kind))) {
        if (hook.protocol !== null && account !== null) {
          const g = `${account}\n${hook.protocol}`;
          let ok = granted.get(g);
          if (ok === undefined) {
            ok = await p.store.grants.isGranted(account as AccountId, hook.protocol);
            granted.set(g, ok);
          }
          if (!ok) continue;
        }
        await p.store.webhooks.addDelivery({ webhookId: hook.id, eventId: id, kind, payload: event });
        // Also when the row existed: a dispatcher that stopped between the two left it unqueued.
        await p.queue.enqueue({ webhookId: hook.id, eventId: id });
      }
    }
    await p.redis.xack(key, GROUP, ...entries.map(([id]) => id));
  };

  let stopped = false;
  let lastClaim = 0;
  const loop = (async () => {
    // This consumer's own unacknowledged entries first (a restart with the same name), then new ones.
    let cursor = '0';
    while (!stopped) {
      try {
        if (Date.now() - lastClaim > CLAIM_IDLE_MS / 2) {
          lastClaim = Date.now();
          for (const key of streams) {
            const [, claimed] = (await p.redis.xautoclaim(
              key,
              GROUP,
              p.consumer,
              CLAIM_IDLE_MS,
              '0-0',
              'COUNT',
              500,
            )) as [string, [string, string[]][]];
            await handle(key, claimed);
          }
        }
        const reply = (await p.blocking.xreadgroup(
          'GROUP',
          GROUP,
          p.consumer,
          'COUNT',
          500,
          'BLOCK',
          cursor === '0' ? 1 : 5_000,
          'STREAMS',
          ...streams,
          ...streams.map(() => cursor),
        )) as [string, [string, string[]][]][] | null;
        const pending = cursor === '0';
        let any = false;
        for (const [key, entries] of reply ?? []) {
          if (entries.length > 0) any = true;
          await handle(key, entries);
        }
        if (pending && !any) cursor = '>';
      } catch (err) {
        if (stopped) return;
        p.onError(err);
        await new Promise((r) => setTimeout(r, 1_000));
        // Redis restarted empty: the group went with the logs.
        if (err instanceof Error && err.message.startsWith('NOGROUP')) await ensureGroups().catch(p.onError);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      p.blocking.disconnect();
      await settledOrAfter(loop, 1_000);
    },
  };
}
