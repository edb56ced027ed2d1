/** One versioned schema change. Applied in version order, each at most once, recorded with a checksum. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
