import type { Migration } from './migration.js';

// Systemic stress runs (contagion spec section 7): an operator's request, its status and progress, the
// consistent snapshot it ran on (the exact stress document, so the CLI reproduces the result) and the
// result or the error, with a small per-mode summary for lists. Listed newest first, paged by
// (created_at, id).
export const migration0007: Migration = {
  version: 7,
  name: 'stress-runs',
  sql: `
CREATE TABLE stress_runs (
  id           TEXT PRIMARY KEY,
  label        TEXT,
  status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  request      JSONB NOT NULL,
  progress     JSONB,
  snapshot     JSONB,
  warnings     JSONB NOT NULL DEFAULT '[]'::jsonb,
  document     JSONB,
  result       JSONB,
  summary      JSONB,
  error        JSONB,
  created_by   TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX stress_runs_newest ON stress_runs (created_at DESC, id DESC);
`,
};
