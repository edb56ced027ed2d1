import { Redis } from 'ioredis';

export interface CreateRedisConnectionOptions {
  /** Connection name shown in `CLIENT LIST`, helps operators tell processes apart. */
  readonly name?: string;
  /** Notified of connection errors (reconnects continue regardless); default: ignored. */
  readonly onError?: (err: Error) => void;
}

/**
 * One ioredis connection for BullMQ. `maxRetriesPerRequest: null` is required by workers (blocking
 * commands must wait through reconnects rather than fail) and harmless for producers.
 */
export function createRedisConnection(url: string, options: CreateRedisConnectionOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...(options.name === undefined ? {} : { connectionName: options.name }),
  });
  // ioredis reports each failed reconnect attempt as an 'error' event (and prints it when nobody
  // listens) while it keeps reconnecting. The commands issued meanwhile wait and then fail or succeed
  // on their own, and their callers handle that: the event itself is only a notification.
  redis.on('error', options.onError ?? (() => undefined));
  return redis;
}
