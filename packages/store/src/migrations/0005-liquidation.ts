import type { Migration } from './migration.js';

// Liquidation (shared/spec/liquidation.md section 8). Cash is money: NUMERIC(78,0) in micro stable units
// (6 decimals), signed where a ledger entry can be a debit. Risk figures (MtM, MM, BM, fractions) are the
// risk engine's doubles. Auction times are unix seconds, as the auction math takes them.
export const migration0005: Migration = {
  version: 5,
  name: 'liquidation',
  sql: `
CREATE TABLE liquidation_param_versions (
  version       SERIAL PRIMARY KEY,
  status        TEXT NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
  params        JSONB NOT NULL,
  note          TEXT,
  created_by    TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  activated_by  TEXT,
  activated_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX liquidation_param_versions_one_active ON liquidation_param_versions (status)
  WHERE status = 'active';

CREATE TABLE liquidation_param_audit (
  id       BIGSERIAL PRIMARY KEY,
  version  INTEGER NOT NULL REFERENCES liquidation_param_versions(version),
  action   TEXT NOT NULL CHECK (action IN ('propose', 'activate', 'retire')),
  actor    TEXT NOT NULL,
  at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  diff     JSONB NOT NULL
);
CREATE INDEX liquidation_param_audit_version ON liquidation_param_audit (version, id);

-- The cash balance of an account is the sum of its entries.
CREATE TABLE cash_ledger (
  id          BIGSERIAL PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  amount      NUMERIC(78, 0) NOT NULL,
  reason      TEXT NOT NULL CHECK (reason IN ('deposit', 'withdrawal', 'fee', 'bid', 'share', 'insurance')),
  auction_id  TEXT,
  bid_id      TEXT,
  at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX cash_ledger_account ON cash_ledger (account_id, id);

CREATE TABLE auctions (
  id                  TEXT PRIMARY KEY,
  account_id          TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  params_version      INTEGER,
  params              JSONB NOT NULL,
  kind                TEXT NOT NULL CHECK (kind IN ('solvent', 'insolvent')),
  status              TEXT NOT NULL CHECK (status IN ('ongoing', 'ended')),
  start_time          BIGINT NOT NULL,
  phase_start         BIGINT NOT NULL,
  reserved_cash       NUMERIC(78, 0) NOT NULL DEFAULT 0 CHECK (reserved_cash >= 0),
  cached_mm           DOUBLE PRECISION NOT NULL DEFAULT 0,
  start_mtm           DOUBLE PRECISION NOT NULL,
  start_mm            DOUBLE PRECISION NOT NULL,
  start_bm            DOUBLE PRECISION NOT NULL,
  fee                 NUMERIC(78, 0) NOT NULL DEFAULT 0,
  sequence            INTEGER NOT NULL DEFAULT 0,
  remaining_fraction  DOUBLE PRECISION NOT NULL DEFAULT 1,
  end_time            BIGINT,
  end_reason          TEXT,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- At most one ongoing auction per account (spec section 4), enforced by the database.
CREATE UNIQUE INDEX auctions_one_ongoing ON auctions (account_id) WHERE status = 'ongoing';
CREATE INDEX auctions_status ON auctions (status, id);
CREATE INDEX auctions_account ON auctions (account_id, id);

CREATE TABLE auction_events (
  id          BIGSERIAL PRIMARY KEY,
  auction_id  TEXT NOT NULL REFERENCES auctions(id) ON DELETE CASCADE,
  type        TEXT NOT NULL CHECK (type IN ('started', 'fee', 'bid', 'insurance_draw', 'socialised_loss',
                                            'converted', 'terminated')),
  time        BIGINT NOT NULL,
  body        JSONB NOT NULL,
  at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX auction_events_auction ON auction_events (auction_id, id);

CREATE TABLE auction_bids (
  id                 TEXT PRIMARY KEY,
  auction_id         TEXT NOT NULL REFERENCES auctions(id) ON DELETE CASCADE,
  sequence           INTEGER NOT NULL,
  bidder_account_id  TEXT NOT NULL REFERENCES accounts(id),
  key_id             TEXT NOT NULL,
  idempotency_key    TEXT,
  time               BIGINT NOT NULL,
  request            JSONB NOT NULL,
  result             JSONB NOT NULL,
  accepted           BOOLEAN NOT NULL,
  reason             TEXT,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX auction_bids_idempotency ON auction_bids (key_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX auction_bids_auction ON auction_bids (auction_id, sequence);

CREATE TABLE settlement_instructions (
  id            BIGSERIAL PRIMARY KEY,
  auction_id    TEXT NOT NULL REFERENCES auctions(id) ON DELETE CASCADE,
  bid_id        TEXT NOT NULL,
  chain         TEXT NOT NULL,
  asset         TEXT NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('indexer', 'vaa', 'query')),
  holder        TEXT NOT NULL,
  amount_raw    NUMERIC(78, 0) NOT NULL CHECK (amount_raw >= 0),
  decimals      SMALLINT NOT NULL,
  from_account  TEXT NOT NULL,
  to_account    TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('seizure', 'unenforceable')),
  status        TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'confirmed', 'unenforceable')),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX settlement_instructions_auction ON settlement_instructions (auction_id, id);
CREATE INDEX settlement_instructions_from ON settlement_instructions (from_account) WHERE status <> 'confirmed';
CREATE INDEX settlement_instructions_to ON settlement_instructions (to_account) WHERE status <> 'confirmed';

-- The per-protocol feed of positions taken over by liquidators.
CREATE TABLE position_transfers (
  id               BIGSERIAL PRIMARY KEY,
  protocol         TEXT NOT NULL,
  auction_id       TEXT NOT NULL REFERENCES auctions(id) ON DELETE CASCADE,
  bid_id           TEXT NOT NULL,
  from_account     TEXT NOT NULL,
  from_position_id TEXT NOT NULL,
  to_account       TEXT NOT NULL,
  to_position_id   TEXT NOT NULL,
  fraction         DOUBLE PRECISION NOT NULL,
  quantity         DOUBLE PRECISION NOT NULL,
  doc              JSONB NOT NULL,
  at               TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX position_transfers_protocol ON position_transfers (protocol, id);

CREATE TABLE insurance_fund_ledger (
  id          BIGSERIAL PRIMARY KEY,
  amount      NUMERIC(78, 0) NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('deposit', 'fee', 'draw')),
  auction_id  TEXT,
  bid_id      TEXT,
  actor       TEXT,
  note        TEXT,
  at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE socialised_losses (
  id          BIGSERIAL PRIMARY KEY,
  auction_id  TEXT NOT NULL REFERENCES auctions(id) ON DELETE CASCADE,
  bid_id      TEXT NOT NULL,
  amount      NUMERIC(78, 0) NOT NULL CHECK (amount >= 0),
  at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
`,
};
