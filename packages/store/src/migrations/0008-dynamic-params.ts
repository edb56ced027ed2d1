import type { Migration } from './migration.js';

// Dynamic parameters (issue 13 part 3): the engine's own price history per asset, the volatility
// state and scale of every asset an operator enrolled (with its mode and bounds), the policy with the
// base parameters the automatic versions scale, and the reason of each parameter version and audit
// row ('manual' for an operator, 'auto' for the volatility scaler).
export const migration0008: Migration = {
  version: 8,
  name: 'dynamic-params',
  sql: `
CREATE TABLE price_history (
  asset TEXT NOT NULL,
  observed_at TIMESTAMPTZ NOT NULL,
  price DOUBLE PRECISION NOT NULL CHECK (price > 0),
  PRIMARY KEY (asset, observed_at)
);
CREATE TABLE dynamic_param_policy (
  id BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
  half_life_seconds INTEGER NOT NULL CHECK (half_life_seconds > 0),
  interval_seconds INTEGER NOT NULL CHECK (interval_seconds > 0),
  max_step DOUBLE PRECISION NOT NULL CHECK (max_step >= 0),
  base_params JSONB NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE dynamic_param_assets (
  asset TEXT PRIMARY KEY,
  mode TEXT NOT NULL CHECK (mode IN ('auto', 'pinned', 'disabled')),
  reference_vol DOUBLE PRECISION NOT NULL CHECK (reference_vol > 0),
  floor DOUBLE PRECISION NOT NULL CHECK (floor > 0),
  cap DOUBLE PRECISION NOT NULL,
  pinned_scale DOUBLE PRECISION CHECK (pinned_scale > 0),
  vol_price DOUBLE PRECISION,
  vol_at TIMESTAMPTZ,
  variance DOUBLE PRECISION,
  scale DOUBLE PRECISION NOT NULL DEFAULT 1,
  scale_changed_at TIMESTAMPTZ,
  CHECK (cap >= floor)
);
ALTER TABLE risk_param_versions ADD COLUMN reason TEXT NOT NULL DEFAULT 'manual'
  CHECK (reason IN ('manual', 'auto'));
ALTER TABLE risk_param_audit ADD COLUMN reason TEXT NOT NULL DEFAULT 'manual'
  CHECK (reason IN ('manual', 'auto'));
`,
};
