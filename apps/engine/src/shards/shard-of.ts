/**
 * The shard of an account: FNV-1a (32-bit) of the id's UTF-16 code units, modulo the shard count. Stable
 * across processes, machines and releases (it is part of the deployment's data layout: changing it, or
 * SHARDS, moves accounts between shards, which the workers handle as a full reload).
 */
export function shardOf(accountId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    h ^= accountId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}
