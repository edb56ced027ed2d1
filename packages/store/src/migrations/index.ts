import { migration0001 } from './0001-init.js';
import { migration0002 } from './0002-snapshot-result-deflate.js';
import { migration0003 } from './0003-hardening.js';
import { migration0004 } from './0004-snapshot-retention-index.js';
import { migration0005 } from './0005-liquidation.js';
import { migration0006 } from './0006-withdrawal-reservations.js';
import { migration0007 } from './0007-stress-runs.js';
import { migration0008 } from './0008-dynamic-params.js';
import { migration0009 } from './0009-admin-audit.js';
import { migration0010 } from './0010-webhooks.js';
import { migration0011 } from './0011-seizures-cash-withdrawals.js';
import { migration0012 } from './0012-trust-classes.js';
import type { Migration } from './migration.js';

/**
 * Every migration, in version order. Append only: an applied migration is never edited (its checksum is
 * checked on start), a change is a new file with the next version.
 */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
];
