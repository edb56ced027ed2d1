import type { Migration } from './migration.js';

// History retention deletes by age across every account (`snapshots.pruneBefore`): without an index on
// computed_at each pruning batch scanned the whole table.
export const migration0004: Migration = {
  version: 4,
  name: 'snapshot-retention-index',
  sql: `
CREATE INDEX margin_snapshots_computed_at ON margin_snapshots (computed_at, id);
`,
};
