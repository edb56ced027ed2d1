// Runs one autocannon load in its own process so the load generator's event loop never shares a core
// slot with the bench driver (its latency figures would include the driver's pauses). Reads the load
// description as JSON from argv[2] and prints the result as one JSON line.
import autocannon from 'autocannon';

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly overallRate?: number;
  readonly headers?: Record<string, string>;
  /** Rotates the path over `/v1/accounts/<prefix><i % count>/margin`; absent: the url's own path. */
  readonly marginAccounts?: { readonly prefix: string; readonly count: number };
}

export interface LoadResult {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly rps: number;
  readonly non2xx: number;
  readonly errors: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
let n = 0;
const rotate = spec.marginAccounts;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.duration,
  ...(spec.overallRate === undefined ? {} : { overallRate: spec.overallRate }),
  requests: [
    {
      method: 'GET',
      ...(spec.headers === undefined ? {} : { headers: spec.headers }),
      ...(rotate === undefined
        ? {}
        : {
            setupRequest: (req) => ({
              ...req,
              path: `/v1/accounts/${rotate.prefix}${n++ % rotate.count}/margin`,
            }),
          }),
    },
  ],
});
const out: LoadResult = {
  p50: result.latency.p50,
  p99: result.latency.p99,
  max: result.latency.max,
  rps: result.requests.average,
  non2xx: result.non2xx,
  errors: result.errors,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
