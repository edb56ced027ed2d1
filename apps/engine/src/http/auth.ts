import { createHash } from 'node:crypto';
import { AppError } from '@xmargin/errors';
import type { Role } from '@xmargin/schemas/http';
import type { FastifyRequest } from 'fastify';
import type { App } from './app.js';
import type { RateLimiter } from './rate-limit.js';
import { routeCost } from './route-costs.js';

/** The authenticated caller of a request. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** For protocol keys: the protocol whose positions the key may write. */
  readonly scope: string | null;
}

/** Looks a key up by the SHA-256 of its secret (keys are random 32-byte tokens: no slow hash needed). */
export type FindPrincipal = (keyHash: string) => Promise<Principal | null>;

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; absent means public. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * Caches lookups for a few seconds: authentication sits on every request and must not cost a database
 * round trip each time (GET margin p99 target is 10 ms). Revocation takes effect within `ttlMs`.
 * A key in steady use is refreshed in the background once half its TTL has passed, so requests never
 * wait for the database after the first; concurrent misses for one key share a single lookup (at
 * 2,000 req/s an expiry used to send dozens of identical queries at once and stall those requests).
 */
export function cachedPrincipalLookup(
  find: FindPrincipal,
  ttlMs = 5_000,
  now: () => number = () => performance.now(),
): FindPrincipal {
  // Unknown keys live in their own, smaller map: a flood of random keys clears only that one and never
  // evicts the genuine keys (whose eviction would send every client's next request to the database).
  const known = new Map<string, { at: number; value: Principal | null }>();
  const unknown = new Map<string, { at: number; value: Principal | null }>();
  const inflight = new Map<string, Promise<Principal | null>>();
  const load = (hash: string): Promise<Principal | null> => {
    let pending = inflight.get(hash);
    if (!pending) {
      // Stamped with the time the lookup started: the answer is at least that fresh.
      const at = now();
      pending = find(hash)
        .then((value) => {
          const cache = value === null ? unknown : known;
          if (cache.size > (value === null ? 1_000 : 10_000)) cache.clear();
          (value === null ? known : unknown).delete(hash);
          cache.set(hash, { at, value });
          return value;
        })
        .finally(() => inflight.delete(hash));
      inflight.set(hash, pending);
    }
    return pending;
  };
  return async (hash) => {
    const hit = known.get(hash) ?? unknown.get(hash);
    if (hit) {
      const age = now() - hit.at;
      if (age < ttlMs) {
        // A failed background refresh leaves the entry to expire; the next request then retries.
        if (age >= ttlMs / 2 && !inflight.has(hash)) load(hash).catch(() => undefined);
        return hit.value;
      }
    }
    return load(hash);
  };
}

function bearer(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? (m[1] ?? null) : null;
}

/**
 * Authenticates every request to a route with `config.roles`, then enforces the role list and the
 * caller's rate limit. The key itself never reaches a log line: Fastify's request logs carry method
 * and URL only, and keys travel only in the Authorization header.
 */
export function registerAuth(
  app: App,
  opts: { find: FindPrincipal; limiter: RateLimiter; authFailures: RateLimiter },
): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    // An address that keeps failing to authenticate is refused before its next key is even looked up:
    // unknown keys cannot each cost a database query without limit.
    const blocked = opts.authFailures.peek(request.ip);
    if (blocked > 0) throw new AppError('API__RATE_LIMITED', { context: { retryAfterSeconds: blocked } });
    const secret = bearer(request);
    if (!secret) {
      opts.authFailures.take(request.ip);
      throw new AppError('API__UNAUTHENTICATED', { shortMessage: 'Missing bearer API key' });
    }
    const principal = await opts.find(hashApiKey(secret));
    if (!principal) {
      opts.authFailures.take(request.ip);
      throw new AppError('API__UNAUTHENTICATED', { shortMessage: 'Unknown or revoked API key' });
    }
    // operator: read-only admin, i.e. every admin route that only reads (GET), nothing that writes.
    const readOnlyAdmin =
      principal.role === 'operator' && request.method === 'GET' && roles.includes('admin');
    if (!roles.includes(principal.role) && !readOnlyAdmin) {
      throw new AppError('API__FORBIDDEN', {
        context: { role: principal.role, required: roles },
        shortMessage: `Role ${principal.role} may not call this route`,
      });
    }
    const wait = opts.limiter.take(principal.keyId, routeCost(request.method, request.routeOptions.url));
    if (wait > 0) throw new AppError('API__RATE_LIMITED', { context: { retryAfterSeconds: wait } });
    request.principal = principal;
  });
}

/** The principal of an authenticated route (the hook guarantees it is set). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('API__UNAUTHENTICATED');
  return request.principal;
}
