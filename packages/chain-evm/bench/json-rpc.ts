/** Minimal JSON-RPC over fetch, for seeding and for the raw baseline (no viem in the measured path). */
export async function jsonRpcBatch(
  url: string,
  calls: readonly { method: string; params: unknown[] }[],
): Promise<unknown[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))),
  });
  const body = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[];
  const out: unknown[] = new Array(calls.length);
  for (const r of body) {
    if (r.error) throw new Error(`${calls[r.id]?.method}: ${r.error.message}`);
    out[r.id] = r.result;
  }
  return out;
}

export async function jsonRpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const [result] = await jsonRpcBatch(url, [{ method, params }]);
  return result;
}
