import type { Migration } from './migration.js';

// The snapshot history is the largest write of a recompute: a ~7 KB risk result per account. As JSONB,
// Postgres parsed it into its binary form and then pglz-compressed it on every row, about 0.19 ms of
// database CPU per snapshot, a cost every worker process shares. New rows carry the JSON deflated by the
// writing process instead (0.02 ms of database CPU, 2-3 KB), stored without a second compression and
// inline in the row (toast_tuple_target: a row of 2-3 KB went to the TOAST table, a second insert and
// index entry, 25 -> 21 us per row). Rows written before keep their JSONB `result`; exactly one of the
// two columns is set.
export const migration0002: Migration = {
  version: 2,
  name: 'snapshot-result-deflate',
  sql: `
ALTER TABLE margin_snapshots ALTER COLUMN result DROP NOT NULL;
ALTER TABLE margin_snapshots ADD COLUMN result_deflate BYTEA;
ALTER TABLE margin_snapshots ALTER COLUMN result_deflate SET STORAGE EXTERNAL;
ALTER TABLE margin_snapshots SET (toast_tuple_target = 8160);
ALTER TABLE margin_snapshots ADD CONSTRAINT margin_snapshots_one_result
  CHECK ((result IS NULL) <> (result_deflate IS NULL));
`,
};
