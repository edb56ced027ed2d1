import type { Migration } from './migration.js';

// Collateral trust classes (issue 14 item 4). `escrowed` funds sit where only the engine releases them
// (the EVM vault; a Solana escrow token account owned by the engine's settlement key); `unescrowed`
// funds are wallet balances an attestation or a read proves, which can leave at any time. Existing rows
// take the class of their source: wallet proofs (`query`) and Solana indexer reads (linked wallets'
// token accounts) are unescrowed; vault observations are escrowed. The history carries the class too,
// so a reorg rollback restores it with the balance.
//
// `solana_escrows`: one SPL token account per (account, chain, mint), created by the engine at a
// deterministic address (createAccountWithSeed from the escrow authority, seed derived from the account
// and the mint) and owned by the escrow authority; the indexer reads these as escrowed balances.
export const migration0012: Migration = {
  version: 12,
  name: 'trust-classes',
  sql: `
ALTER TABLE balances ADD COLUMN trust TEXT NOT NULL DEFAULT 'escrowed'
  CHECK (trust IN ('escrowed', 'unescrowed'));
UPDATE balances SET trust = 'unescrowed' WHERE source = 'query' OR (source = 'indexer' AND chain LIKE 'solana%');
ALTER TABLE balance_observations ADD COLUMN trust TEXT NOT NULL DEFAULT 'escrowed'
  CHECK (trust IN ('escrowed', 'unescrowed'));
UPDATE balance_observations SET trust = 'unescrowed'
  WHERE source = 'query' OR (source = 'indexer' AND chain LIKE 'solana%');

CREATE TABLE solana_escrows (
  account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  chain         TEXT NOT NULL,
  mint          TEXT NOT NULL,
  asset         TEXT NOT NULL,
  token_account TEXT NOT NULL,
  authority     TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, chain, mint),
  UNIQUE (chain, token_account)
);
`,
};
