import type { Migration } from './migration.js';

// Webhooks for protocols (issue 18 item 3, issue 15 item 3): endpoints registered per API key with the
// event kinds they want and their signing secret; one delivery per (webhook, event id), so an event is
// delivered at most once per endpoint however often it is dispatched; every HTTP attempt logged.
export const migration0010: Migration = {
  version: 10,
  name: 'webhooks',
  sql: `
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  protocol TEXT,
  url TEXT NOT NULL,
  kinds JSONB NOT NULL,
  secret TEXT NOT NULL,
  description TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  deleted_at TIMESTAMPTZ
);
CREATE INDEX webhooks_key_idx ON webhooks (key_id) WHERE deleted_at IS NULL;
CREATE TABLE webhook_deliveries (
  webhook_id TEXT NOT NULL REFERENCES webhooks (id),
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload JSONB NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at TIMESTAMPTZ,
  PRIMARY KEY (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_recent_idx ON webhook_deliveries (webhook_id, created_at DESC);
CREATE TABLE webhook_attempts (
  id BIGSERIAL PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  attempt INTEGER NOT NULL CHECK (attempt >= 1),
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  http_status INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  FOREIGN KEY (webhook_id, event_id) REFERENCES webhook_deliveries (webhook_id, event_id)
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (webhook_id, event_id, attempt);
`,
};
