import { Command, type Redis } from 'ioredis';

/** Queues a script call: what a pipeline, a MULTI and a CommandBatch all offer. */
export interface ScriptQueue {
  eval(script: string, numKeys: number, ...args: (string | number | Buffer)[]): unknown;
}

/** Sends commands made by the caller (EncodedCommand): a CommandBatch, or a Redis connection. */
export interface CommandQueue {
  sendCommand(command: Command): unknown;
}

/**
 * A command whose RESP encoding (name and arguments, as Redis reads them from the connection) was
 * written by its caller: what ioredis would otherwise make with a string per argument, and a copy of
 * the whole command when one argument is binary. Its bytes are written as given, each time the
 * connection sends it (a connection not ready keeps it queued): the caller keeps them unchanged until
 * it was answered. The same way ioredis's own scripts change what a command writes. The connection's
 * `keyPrefix` option, if any, is not applied to it (the engine's connections have none).
 */
export class EncodedCommand extends Command {
  readonly #bytes: Buffer;
  /** `name`: the command's name in lower case (ioredis reads its flags from it). */
  constructor(name: string, bytes: Buffer) {
    super(name, []);
    this.#bytes = bytes;
  }
  override toWritable(): Buffer {
    return this.#bytes;
  }
}

/**
 * Commands sent on one connection as they are queued, without waiting for replies (Redis pipelining
 * done by the connection itself), then awaited together: a publish's slice of a market move.
 *
 * Why not an ioredis pipeline: it copies every command into one buffer when it is executed, on top of
 * the copy each command with a binary argument makes of itself. A market move's slices carry packed
 * numbers (margin/packed.ts) of every exposed account, so that second copy was a few megabytes of
 * buffers per move in each worker, and V8 starts a full garbage collection of the heap each time
 * buffers worth 64 MB were made since the last one ("external memory pressure"). With 50,000 resident
 * accounts that collection took a worker 300-400 ms, in most market moves. Sent this way, each command
 * is written to the socket as it comes, in order.
 */
export interface CommandBatch extends ScriptQueue, CommandQueue {
  eval(script: string, numKeys: number, ...args: (string | number | Buffer)[]): CommandBatch;
  /** Sends a command made by the caller (an EncodedCommand). */
  sendCommand(command: Command): CommandBatch;
  zadd(key: string, ...scoreMembers: (string | number)[]): CommandBatch;
  hset(key: string, ...fieldValues: string[]): CommandBatch;
  hdel(key: string, ...fields: string[]): CommandBatch;
  /**
   * Resolves once every command sent was answered, with the first error in the order sent (undefined
   * when none failed). Commands after a failed one still ran, as in a pipeline.
   */
  settled(): Promise<unknown>;
}

export function commandBatch(redis: Redis): CommandBatch {
  const sent: Promise<unknown>[] = [];
  const batch: CommandBatch = {
    eval(script, numKeys, ...args) {
      sent.push(redis.eval(script, numKeys, ...args));
      return batch;
    },
    sendCommand(command) {
      sent.push(redis.sendCommand(command) as Promise<unknown>);
      return batch;
    },
    zadd(key, ...scoreMembers) {
      sent.push(redis.zadd(key, ...scoreMembers));
      return batch;
    },
    hset(key, ...fieldValues) {
      sent.push(redis.hset(key, ...fieldValues));
      return batch;
    },
    hdel(key, ...fields) {
      sent.push(redis.hdel(key, ...fields));
      return batch;
    },
    async settled() {
      const results = await Promise.allSettled(sent);
      for (const r of results)
        if (r.status === 'rejected') return r.reason ?? new Error('Redis command failed');
      return undefined;
    },
  };
  return batch;
}
