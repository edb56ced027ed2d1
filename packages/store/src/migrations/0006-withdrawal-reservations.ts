import type { Migration } from './migration.js';

// Collateral the engine has authorised to leave a vault (an engine-signed Withdrawal), or that the
// account asked to force out (ForcedWithdrawalRequested), counts as already withdrawn from the moment of
// the authorisation: the balance repository subtracts the reservations that are still open from the
// vault balances it returns, so every margin computation sees them, whichever path reads balances.
// A reservation closes when the withdrawal is observed on chain (`executed_height`: balance observations
// at or above it already include the debit) or when it can no longer execute (`expires_at`, the signed
// deadline plus a grace for indexing lag). The id is the EIP-712 nonce of an authorised withdrawal:
// unique, hence never reused for an account.
export const migration0006: Migration = {
  version: 6,
  name: 'withdrawal-reservations',
  sql: `
CREATE TABLE withdrawal_reservations (
  id              BIGSERIAL PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('authorised', 'forced')),
  chain           TEXT NOT NULL,
  asset           TEXT NOT NULL,
  holder          TEXT NOT NULL,
  token           TEXT NOT NULL,
  amount          NUMERIC(78, 0) NOT NULL CHECK (amount > 0),
  recipient       TEXT NOT NULL DEFAULT '',
  deadline        BIGINT NOT NULL,
  expires_at      TIMESTAMPTZ NOT NULL,
  request_key     TEXT NOT NULL,
  executed_height BIGINT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (account_id, request_key)
);
CREATE INDEX withdrawal_reservations_open ON withdrawal_reservations (account_id, chain, asset, holder);
`,
};
