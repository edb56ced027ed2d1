/**
 * Both drivers get parameters in one shape: bigints as decimal text (never through a float, and pg and
 * PGlite disagree on how they would serialize one), everything else as is.
 */
export function normalizeParams(params: readonly unknown[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((p) => (typeof p === 'bigint' ? p.toString() : p));
}

const IDENT_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are interpolated into SQL (search_path, CREATE SCHEMA): accept only plain identifiers. */
export function isValidSchemaName(name: string): boolean {
  return IDENT_RE.test(name);
}
