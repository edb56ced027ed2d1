import type { Migration } from './migration.js';

// Raw on-chain integers (u256 amounts) are NUMERIC(78,0): 2^256 has 78 digits. Heights and slots fit a
// BIGINT. Times reported by chains and oracles are unix seconds (BIGINT); times we record are TIMESTAMPTZ.
export const migration0001: Migration = {
  version: 1,
  name: 'init',
  sql: `
CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,
  label       TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE linked_addresses (
  chain       TEXT NOT NULL,
  address     TEXT NOT NULL,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  linked_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (chain, address)
);
CREATE INDEX linked_addresses_account ON linked_addresses (account_id);

CREATE TABLE link_challenges (
  nonce        TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  chain        TEXT NOT NULL,
  address      TEXT NOT NULL,
  message      TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at   TIMESTAMPTZ NOT NULL,
  consumed_at  TIMESTAMPTZ
);

CREATE TABLE balances (
  account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  chain        TEXT NOT NULL,
  asset        TEXT NOT NULL,
  source       TEXT NOT NULL CHECK (source IN ('indexer', 'vaa', 'query')),
  holder       TEXT NOT NULL,
  token        TEXT NOT NULL,
  amount       NUMERIC(78, 0) NOT NULL CHECK (amount >= 0),
  decimals     SMALLINT NOT NULL CHECK (decimals >= 0),
  height       BIGINT NOT NULL CHECK (height >= 0),
  ordinal      BIGINT NOT NULL DEFAULT 0 CHECK (ordinal >= 0),
  block_hash   TEXT NOT NULL DEFAULT '',
  observed_at  BIGINT NOT NULL,
  ref          TEXT NOT NULL DEFAULT '',
  replay_key   TEXT,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, chain, asset, source, holder)
);
CREATE INDEX balances_chain_height ON balances (chain, height);

-- Every applied observation, so a reorg rollback can restore the balance that preceded the dropped blocks.
CREATE TABLE balance_observations (
  account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  chain        TEXT NOT NULL,
  asset        TEXT NOT NULL,
  source       TEXT NOT NULL,
  holder       TEXT NOT NULL,
  token        TEXT NOT NULL,
  amount       NUMERIC(78, 0) NOT NULL,
  decimals     SMALLINT NOT NULL,
  height       BIGINT NOT NULL,
  ordinal      BIGINT NOT NULL,
  block_hash   TEXT NOT NULL,
  observed_at  BIGINT NOT NULL,
  ref          TEXT NOT NULL,
  replay_key   TEXT,
  recorded_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, chain, asset, source, holder, height, ordinal)
);
CREATE INDEX balance_observations_chain_height ON balance_observations (chain, height);

CREATE TABLE attestations (
  replay_key       TEXT PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('vaa', 'query', 'pyth')),
  emitter_chain    INTEGER,
  emitter_address  TEXT,
  sequence         NUMERIC(20, 0),
  digest           TEXT,
  account_id       TEXT REFERENCES accounts(id) ON DELETE SET NULL,
  observed_at      BIGINT,
  body             JSONB NOT NULL DEFAULT '{}'::jsonb,
  applied_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX attestations_account ON attestations (account_id, applied_at DESC);

CREATE TABLE positions (
  account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  protocol     TEXT NOT NULL,
  position_id  TEXT NOT NULL,
  underlying   TEXT NOT NULL,
  doc          JSONB NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, protocol, position_id)
);
CREATE INDEX positions_underlying ON positions (underlying, account_id);
CREATE INDEX positions_protocol ON positions (protocol, account_id);

CREATE TABLE market_data (
  kind         TEXT NOT NULL CHECK (kind IN ('market', 'price', 'stable')),
  key          TEXT NOT NULL,
  doc          JSONB NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1,
  observed_at  BIGINT,
  source       TEXT,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, key)
);

CREATE TABLE risk_param_versions (
  version       SERIAL PRIMARY KEY,
  status        TEXT NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
  params        JSONB NOT NULL,
  note          TEXT,
  created_by    TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  activated_by  TEXT,
  activated_at  TIMESTAMPTZ
);
-- At most one active version, enforced by the database rather than by the code that activates.
CREATE UNIQUE INDEX risk_param_versions_one_active ON risk_param_versions (status) WHERE status = 'active';

CREATE TABLE risk_param_audit (
  id       BIGSERIAL PRIMARY KEY,
  version  INTEGER NOT NULL REFERENCES risk_param_versions(version),
  action   TEXT NOT NULL CHECK (action IN ('propose', 'activate', 'retire')),
  actor    TEXT NOT NULL,
  at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  diff     JSONB NOT NULL
);
CREATE INDEX risk_param_audit_version ON risk_param_audit (version, id);

CREATE TABLE margin_snapshots (
  id                       BIGSERIAL PRIMARY KEY,
  account_id               TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  computed_at              TIMESTAMPTZ NOT NULL,
  input_hash               TEXT NOT NULL,
  params_version           INTEGER,
  equity                   NUMERIC NOT NULL,
  initial_requirement      NUMERIC NOT NULL,
  maintenance_requirement  NUMERIC NOT NULL,
  result                   JSONB NOT NULL
);
CREATE INDEX margin_snapshots_account ON margin_snapshots (account_id, computed_at DESC, id DESC);

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL,
  scope         TEXT,
  key_hash      TEXT NOT NULL UNIQUE,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at    TIMESTAMPTZ
);

CREATE TABLE chain_cursors (
  chain       TEXT PRIMARY KEY,
  height      BIGINT NOT NULL CHECK (height >= 0),
  block_hash  TEXT NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
`,
};
