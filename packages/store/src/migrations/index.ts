import { migration0001 } from './0001-init.js';
import { migration0002 } from './0002-snapshot-result-deflate.js';
import { migration0008 } from './0008-dynamic-params.js';
import type { Migration } from './migration.js';

/**
 * Every migration, in version order. Append only: an applied migration is never edited (its checksum is
 * checked on start), a change is a new file with the next version.
 */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0008];
