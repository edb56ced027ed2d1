import type { Migration } from './migration.js';

// Audit log of operator actions that are not risk-parameter changes (those have risk_param_audit): job
// retries and discards, stress runs started. Moved here from a capped Redis stream so the record is as
// durable as the ledger it explains. Listed newest first by id.
export const migration0009: Migration = {
  version: 9,
  name: 'admin-audit',
  sql: `
CREATE TABLE admin_audit (
  id     BIGSERIAL PRIMARY KEY,
  actor  TEXT NOT NULL CHECK (actor <> ''),
  action TEXT NOT NULL CHECK (action <> ''),
  target TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX admin_audit_action ON admin_audit (action, id DESC);
`,
};
