import { AppError } from '@xmargin/errors';
import { redactUrl } from '@xmargin/ops';
import { Redis } from 'ioredis';

export interface ConnectCommandRedisParameters {
  readonly url: string;
  readonly name: string;
  /** How long to wait for the first connection before giving up with a clear error. */
  readonly timeoutMs: number;
}

/**
 * The engine's command connection (cache reads, producers, trust configuration): it fails fast while
 * Redis is unreachable instead of queueing commands until it comes back, so a request answers 503 at
 * once rather than hanging (the worker and subscriber connections keep BullMQ's wait-through-reconnects
 * settings). It reconnects by itself. Starting with Redis down waits at most `timeoutMs`, then throws
 * API__UNAVAILABLE naming Redis, instead of hanging the process.
 */
export async function connectCommandRedis(params: ConnectCommandRedisParameters): Promise<Redis> {
  const redis = new Redis(params.url, {
    connectionName: params.name,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    maxRetriesPerRequest: 1,
    // A Redis that accepts connections but does not answer must not hold requests either.
    commandTimeout: 5_000,
    lazyConnect: true,
  });
  let lastError = '';
  // Connection errors are expected during an outage and reported by readiness; without a listener
  // ioredis would print each one.
  redis.on('error', (err: Error) => {
    lastError = err.message;
  });
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  redis.connect().catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), params.timeoutMs);
  });
  const outcome = await Promise.race([ready.then(() => 'ready' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    redis.disconnect();
    throw new AppError('API__UNAVAILABLE', {
      context: { dependency: 'redis' },
      shortMessage: `Redis at ${redactUrl(params.url)} did not answer within ${params.timeoutMs} ms${lastError ? ` (${lastError})` : ''}`,
    });
  }
  return redis;
}
