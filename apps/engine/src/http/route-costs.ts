/**
 * What a request costs from its key's rate-limit allowance (tokens; default 1), by route. Weighted by
 * the work behind it, so a key cannot spend its allowance on the expensive routes and starve the
 * cheap reads of everyone on the process: a what-if prices the whole account twice and bisects,
 * explain recomputes the account, a stream holds a connection and a subscription, attestation posts
 * verify 13+ signatures.
 */
export const ROUTE_COSTS: Readonly<Record<string, number>> = {
  'POST /v1/accounts/:accountId/margin/what-if': 25,
  'GET /v1/accounts/:accountId/margin/explain': 10,
  'GET /v1/stream/margin': 10,
  'GET /v1/accounts/:accountId/margin/history': 5,
  'POST /v1/attestations/vaa': 5,
  'POST /v1/attestations/query': 5,
  'POST /v1/attestations/pyth': 5,
  'PUT /v1/market-data': 5,
  'POST /v1/accounts/:accountId/positions': 2,
};

export function routeCost(method: string, url: string | undefined): number {
  return url === undefined ? 1 : (ROUTE_COSTS[`${method} ${url}`] ?? 1);
}
