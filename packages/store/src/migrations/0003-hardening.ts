import type { Migration } from './migration.js';

// Issue 11 (hardening):
// - account_grants: which protocols an account authorised to report its positions (signed by one of its
//   linked addresses, or implied for the protocol key that created it), revocable; challenges gain a
//   purpose so a grant challenge can never link an address and the other way round; accounts remember
//   the key that created them (per-key account caps).
// - balances.superseded_at_height: a wallet (Queries) proof older than a vault observation of the same
//   holder and token counts at zero until proved again at or after that height.
// - trust_config (+ audit): the guardian trust store and the attestation registry, the trust root, live
//   in Postgres; Redis only caches them.
// - market data dated in the future froze later writes of the same key: such times are cleared.
export const migration0003: Migration = {
  version: 3,
  name: 'hardening',
  sql: `
CREATE TABLE account_grants (
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  protocol    TEXT NOT NULL,
  granted_by  TEXT NOT NULL,
  message     TEXT,
  signature   TEXT,
  granted_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at  TIMESTAMPTZ,
  revoked_by  TEXT,
  PRIMARY KEY (account_id, protocol)
);

-- Protocols already reporting positions keep reporting them (grandfathered, marked as such).
INSERT INTO account_grants (account_id, protocol, granted_by)
  SELECT DISTINCT account_id, protocol, 'migration' FROM positions;

ALTER TABLE link_challenges ADD COLUMN purpose TEXT NOT NULL DEFAULT 'link'
  CHECK (purpose IN ('link', 'grant', 'revoke'));
ALTER TABLE link_challenges ADD COLUMN protocol TEXT;
CREATE INDEX link_challenges_expires ON link_challenges (expires_at);

ALTER TABLE accounts ADD COLUMN created_by_key TEXT;
CREATE INDEX accounts_created_by_key ON accounts (created_by_key) WHERE created_by_key IS NOT NULL;

ALTER TABLE balances ADD COLUMN superseded_at_height BIGINT;
CREATE INDEX balances_wallet_proofs ON balances (chain, holder, token) WHERE source = 'query';

CREATE TABLE trust_config (
  name        TEXT PRIMARY KEY CHECK (name IN ('trust-store', 'registry')),
  doc         JSONB NOT NULL,
  version     INTEGER NOT NULL,
  updated_by  TEXT NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE trust_config_audit (
  id       BIGSERIAL PRIMARY KEY,
  name     TEXT NOT NULL,
  version  INTEGER NOT NULL,
  action   TEXT NOT NULL,
  actor    TEXT NOT NULL,
  at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  diff     JSONB NOT NULL
);
CREATE INDEX trust_config_audit_name ON trust_config_audit (name, id);

UPDATE market_data SET observed_at = NULL WHERE observed_at > EXTRACT(EPOCH FROM now())::bigint + 60;
`,
};
