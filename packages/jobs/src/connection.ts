import { Redis } from 'ioredis';

export interface CreateRedisConnectionOptions {
  /** Connection name shown in `CLIENT LIST`, helps operators tell processes apart. */
  readonly name?: string;
}

/**
 * One ioredis connection for BullMQ. `maxRetriesPerRequest: null` is required by workers (blocking
 * commands must wait through reconnects rather than fail) and harmless for producers.
 */
export function createRedisConnection(url: string, options: CreateRedisConnectionOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...(options.name === undefined ? {} : { connectionName: options.name }),
  });
}
