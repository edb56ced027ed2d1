import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/types.js';
import { toDate, toJsonParam, toNullableDate, toNullableNumber, toNumber } from '../db/values.js';
import type { JsonValue } from '../json.js';

/** An endpoint a protocol key registered, without its secret (what the API lists). */
export interface WebhookRecord {
  readonly id: string;
  /** The API key that registered it (only that key sees and deletes it). */
  readonly keyId: string;
  /** The key's protocol scope: only events of accounts that granted it are delivered. */
  readonly protocol: string | null;
  readonly url: string;
  readonly kinds: readonly string[];
  readonly description: string | null;
  readonly createdAt: Date;
}

/** With the signing secret: for the delivery worker only. */
export interface WebhookWithSecret extends WebhookRecord {
  readonly secret: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookAttemptRecord {
  readonly attempt: number;
  readonly at: Date;
  /** The endpoint's HTTP status; null when no response came (timeout, refused connection). */
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface WebhookDeliveryRecord {
  readonly webhookId: string;
  readonly eventId: string;
  readonly kind: string;
  readonly payload: JsonValue;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

export interface CreateWebhookParameters {
  /** Default: `wh_<uuid>`. */
  readonly id?: string;
  readonly keyId: string;
  readonly protocol: string | null;
  readonly url: string;
  readonly kinds: readonly string[];
  readonly secret: string;
  readonly description?: string | null;
}

export interface RecordWebhookAttemptParameters {
  readonly webhookId: string;
  readonly eventId: string;
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** The endpoint accepted it (2xx): the delivery is done. */
  readonly delivered: boolean;
  /** No retry follows a failure: the delivery is marked failed. */
  readonly final: boolean;
}

export interface WebhooksRepository {
  create(params: CreateWebhookParameters): Promise<WebhookRecord>;
  /** The key's active webhooks, oldest first. */
  list(keyId: string): Promise<WebhookRecord[]>;
  /** An active webhook of the key, or null. */
  get(id: string, keyId: string): Promise<WebhookRecord | null>;
  /** Marks it deleted (its delivery log stays); false when the key has no such active webhook. */
  remove(id: string, keyId: string): Promise<boolean>;
  /** Active webhooks subscribed to any of `kinds`, with their secrets. */
  subscribers(kinds: readonly string[]): Promise<WebhookWithSecret[]>;
  /** An active webhook with its secret (delivery worker), or null once deleted. */
  withSecret(id: string): Promise<WebhookWithSecret | null>;
  /** Creates the delivery of an event to a webhook; false when it exists (idempotent per event id). */
  addDelivery(params: {
    readonly webhookId: string;
    readonly eventId: string;
    readonly kind: string;
    readonly payload: unknown;
  }): Promise<boolean>;
  delivery(webhookId: string, eventId: string): Promise<WebhookDeliveryRecord | null>;
  /** Logs one attempt and moves the delivery's status in one transaction; returns the attempt number. */
  recordAttempt(params: RecordWebhookAttemptParameters): Promise<number>;
  /** Newest first, each with its attempts (oldest first). `before`: created before that event's delivery. */
  deliveries(
    webhookId: string,
    params?: { readonly limit?: number; readonly beforeEventId?: string },
  ): Promise<(WebhookDeliveryRecord & { readonly attemptLog: WebhookAttemptRecord[] })[]>;
}

interface WebhookRow {
  id: string;
  key_id: string;
  protocol: string | null;
  url: string;
  kinds: string[];
  description: string | null;
  created_at: unknown;
  secret?: string;
}

interface DeliveryRow {
  webhook_id: string;
  event_id: string;
  kind: string;
  payload: JsonValue;
  status: string;
  attempts: unknown;
  created_at: unknown;
  finished_at: unknown;
}

const WEBHOOK_COLUMNS = 'id, key_id, protocol, url, kinds, description, created_at';
const DELIVERY_COLUMNS = 'webhook_id, event_id, kind, payload, status, attempts, created_at, finished_at';

const toWebhook = (r: WebhookRow): WebhookRecord => ({
  id: r.id,
  keyId: r.key_id,
  protocol: r.protocol,
  url: r.url,
  kinds: r.kinds,
  description: r.description,
  createdAt: toDate(r.created_at),
});

const toDelivery = (r: DeliveryRow): WebhookDeliveryRecord => ({
  webhookId: r.webhook_id,
  eventId: r.event_id,
  kind: r.kind,
  payload: r.payload,
  status: r.status as WebhookDeliveryStatus,
  attempts: toNumber(r.attempts),
  createdAt: toDate(r.created_at),
  finishedAt: toNullableDate(r.finished_at),
});

export function createWebhooksRepository(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
): WebhooksRepository {
  const withSecret = (r: WebhookRow): WebhookWithSecret => ({ ...toWebhook(r), secret: r.secret ?? '' });
  return {
    async create({ id = `wh_${randomUUID()}`, keyId, protocol, url, kinds, secret, description = null }) {
      const r = await ex.query<WebhookRow>(
        `INSERT INTO webhooks (id, key_id, protocol, url, kinds, secret, description)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING ${WEBHOOK_COLUMNS}`,
        [id, keyId, protocol, url, toJsonParam('kinds', kinds), secret, description],
      );
      return toWebhook(r.rows[0]!);
    },
    async list(keyId) {
      const r = await ex.query<WebhookRow>(
        `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE key_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
        [keyId],
      );
      return r.rows.map(toWebhook);
    },
    async get(id, keyId) {
      const r = await ex.query<WebhookRow>(
        `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND key_id = $2 AND deleted_at IS NULL`,
        [id, keyId],
      );
      return r.rows[0] ? toWebhook(r.rows[0]) : null;
    },
    async remove(id, keyId) {
      const r = await ex.query(
        'UPDATE webhooks SET deleted_at = now() WHERE id = $1 AND key_id = $2 AND deleted_at IS NULL',
        [id, keyId],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async subscribers(kinds) {
      const r = await ex.query<WebhookRow>(
        `SELECT ${WEBHOOK_COLUMNS}, secret FROM webhooks
         WHERE deleted_at IS NULL AND kinds ?| $1::text[] ORDER BY id`,
        [[...kinds]],
      );
      return r.rows.map(withSecret);
    },
    async withSecret(id) {
      const r = await ex.query<WebhookRow>(
        `SELECT ${WEBHOOK_COLUMNS}, secret FROM webhooks WHERE id = $1 AND deleted_at IS NULL`,
        [id],
      );
      return r.rows[0] ? withSecret(r.rows[0]) : null;
    },
    async addDelivery({ webhookId, eventId, kind, payload }) {
      const r = await ex.query(
        `INSERT INTO webhook_deliveries (webhook_id, event_id, kind, payload) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (webhook_id, event_id) DO NOTHING`,
        [webhookId, eventId, kind, toJsonParam('payload', payload)],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async delivery(webhookId, eventId) {
      const r = await ex.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 AND event_id = $2`,
        [webhookId, eventId],
      );
      return r.rows[0] ? toDelivery(r.rows[0]) : null;
    },
    async recordAttempt({ webhookId, eventId, httpStatus, error, durationMs, delivered, final }) {
      return inTransaction(async (tx) => {
        const status = delivered ? 'delivered' : final ? 'failed' : 'pending';
        const r = await tx.query<{ attempts: unknown }>(
          `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $3,
             finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
           WHERE webhook_id = $1 AND event_id = $2 RETURNING attempts`,
          [webhookId, eventId, status],
        );
        const attempt = toNumber(r.rows[0]?.attempts ?? 0);
        await tx.query(
          `INSERT INTO webhook_attempts (webhook_id, event_id, attempt, http_status, error, duration_ms)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [webhookId, eventId, attempt, httpStatus, error, Math.max(0, Math.round(durationMs))],
        );
        return attempt;
      });
    },
    async deliveries(webhookId, { limit = 50, beforeEventId } = {}) {
      const n = Math.min(Math.max(1, Math.floor(limit)), 200);
      const r = await ex.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE webhook_id = $1
         ${
           beforeEventId === undefined
             ? ''
             : `AND (created_at, event_id) < (SELECT created_at, event_id FROM webhook_deliveries
                  WHERE webhook_id = $1 AND event_id = $3)`
         }
         ORDER BY created_at DESC, event_id DESC LIMIT $2`,
        beforeEventId === undefined ? [webhookId, n] : [webhookId, n, beforeEventId],
      );
      const list = r.rows.map(toDelivery);
      if (list.length === 0) return [];
      const a = await ex.query<{
        event_id: string;
        attempt: unknown;
        at: unknown;
        http_status: unknown;
        error: string | null;
        duration_ms: unknown;
      }>(
        `SELECT event_id, attempt, at, http_status, error, duration_ms FROM webhook_attempts
         WHERE webhook_id = $1 AND event_id = ANY($2::text[]) ORDER BY attempt`,
        [webhookId, list.map((d) => d.eventId)],
      );
      const byEvent = new Map<string, WebhookAttemptRecord[]>();
      for (const row of a.rows) {
        const attempts = byEvent.get(row.event_id) ?? [];
        attempts.push({
          attempt: toNumber(row.attempt),
          at: toDate(row.at),
          httpStatus: toNullableNumber(row.http_status),
          error: row.error,
          durationMs: toNumber(row.duration_ms),
        });
        byEvent.set(row.event_id, attempts);
      }
      return list.map((d) => ({ ...d, attemptLog: byEvent.get(d.eventId) ?? [] }));
    },
  };
}
