import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/src/harness/repo-root.ts); children run from there. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
