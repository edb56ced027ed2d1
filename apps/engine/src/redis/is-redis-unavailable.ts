// ioredis's own messages for "not connected": offline queue disabled, connection dropped mid-command,
// retries exhausted, command timeout. They mean the dependency is down, not that the request is wrong.
const UNAVAILABLE = [
  "Stream isn't writeable",
  'Connection is closed',
  'Reached the max retries per request limit',
  'Command timed out',
  'connect ECONNREFUSED',
];

/** Whether a thrown value (or one of its causes) is Redis being unreachable. */
export function isRedisUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (UNAVAILABLE.some((m) => e instanceof Error && e.message.includes(m))) return true;
  }
  return false;
}
