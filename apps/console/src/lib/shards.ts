import type { ShardOwnershipDto } from '@xmargin/schemas/http';

/** One row per shard with ages relative to the read (seconds; null when unowned / no event). */
export function shardRows(dto: ShardOwnershipDto) {
  return dto.shards.map((s) => ({
    shard: s.shard,
    owner: s.owner,
    leaseLeftSeconds: s.leaseExpiresAt === null ? null : Math.max(0, (s.leaseExpiresAt - dto.at) / 1000),
    events: s.events,
    lastEventAgeSeconds: s.lastEventAt === null ? null : Math.max(0, (dto.at - s.lastEventAt) / 1000),
  }));
}
