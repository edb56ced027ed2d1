import type { Migration } from './migration.js';

// Liquidation settlement (issue 15): the EIP-712 Seize authorisation of each vault-escrowed instruction
// (vault, chain id, token, vault account, recipient, nonce, deadline, signature), the transaction that
// carried it and the block where the vault's `Seized` event was observed; and cash withdrawals, paid
// pro rata (held/claims) while socialised losses are outstanding: `claim` leaves the cash ledger,
// `paid` leaves the stable held, and the difference absorbs socialised loss.
export const migration0011: Migration = {
  version: 11,
  name: 'seizures-cash-withdrawals',
  sql: `
ALTER TABLE settlement_instructions
  ADD COLUMN vault            TEXT,
  ADD COLUMN chain_id         BIGINT,
  ADD COLUMN token            TEXT,
  ADD COLUMN from_address     TEXT,
  ADD COLUMN recipient        TEXT,
  ADD COLUMN nonce            NUMERIC(78, 0),
  ADD COLUMN deadline         BIGINT,
  ADD COLUMN signature        TEXT,
  ADD COLUMN tx_hash          TEXT,
  ADD COLUMN confirmed_height NUMERIC(78, 0);
CREATE INDEX settlement_instructions_unsigned ON settlement_instructions (id)
  WHERE kind = 'seizure' AND status = 'pending';

CREATE TABLE cash_withdrawals (
  id          BIGSERIAL PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  claim       NUMERIC(78, 0) NOT NULL CHECK (claim > 0),
  paid        NUMERIC(78, 0) NOT NULL CHECK (paid >= 0 AND paid <= claim),
  actor       TEXT,
  note        TEXT,
  at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX cash_withdrawals_account ON cash_withdrawals (account_id, id);
`,
};
