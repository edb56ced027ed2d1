import { spawn } from 'node:child_process';
import { deleteKeysWithPrefix } from '@xmargin/jobs';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

export interface RedisServer {
  readonly url: string;
  /** Whether we started it (false when an existing server at REDIS_URL is used). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

/**
 * A throwaway `redis-server` on a free loopback port (or `atPort`): no persistence, `noeviction` (BullMQ requires
 * it). Stopped with SIGTERM; its data goes with it.
 */
export async function startRedisServer(binary = 'redis-server', atPort?: number): Promise<RedisServer> {
  // `atPort`: restart on the port of a stopped server (an empty Redis where clients reconnect).
  const port = atPort ?? (await freePort());
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    // Its own process group: a Ctrl-C in the terminal must not stop Redis before the engine and
    // relayer have shut down through it; we stop it last. A hard exit of ours still takes it along.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      output += String(err);
      resolve();
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await Promise.race([
      waitFor(() => pingRedis(url), { what: `redis-server on port ${port}`, timeoutMs: 10_000 }),
      exited.then(() => {
        throw new Error(`redis-server exited while starting (is it installed?):\n${output}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, owned: true, stop };
}

/** Resolves true when a Redis server answers PING at `url`, undefined otherwise. */
export async function pingRedis(url: string): Promise<true | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG' ? true : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix:` (a test file's queues, caches and pub/sub state). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  // Best effort and bounded: a Redis that is already gone (the demo's own, stopped) has nothing to clean.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await deleteKeysWithPrefix(redis, prefix);
  } catch {
    // Unreachable: nothing to delete.
  } finally {
    redis.disconnect();
  }
}
