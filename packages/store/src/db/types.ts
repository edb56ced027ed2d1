/** Which engine a `Db` talks to: a Postgres server through `pg`, or PGlite in-process. */
export type DriverName = 'pg' | 'pglite';

export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/**
 * Runs SQL. Both drivers speak the same dialect (PGlite is Postgres compiled to WASM), so repositories
 * are written once. Errors are already classified into `LEDGER__*` AppErrors when they leave here.
 */
export interface Executor {
  /** One statement with `$1..$n` parameters. A bigint parameter is sent as its decimal text. */
  query<R extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
  /** Several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A connection pool (pg) or the single embedded instance (PGlite). */
export interface Db extends Executor {
  readonly driver: DriverName;
  /** Schema every unqualified name resolves to; undefined means the server default (`public`). */
  readonly schema: string | undefined;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Queries of the
   * transaction must go through the `tx` it receives (on PGlite, a query on the outer `Db` waits for the
   * transaction to end, so it would deadlock).
   */
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
