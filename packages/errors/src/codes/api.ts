import { code } from '../spec.js';

/** HTTP surface (apps/engine): authentication, authorisation, limits. */
export const apiCodes = {
  API__UNAUTHENTICATED: code(401, 'Missing or invalid API key'),
  API__FORBIDDEN: code<{ role: string; required: readonly string[] }>(
    403,
    'API key role may not call this route',
  ),
  API__NOT_FOUND: code<{ method: string; url: string }>(404, 'Route not found'),
  API__PAYLOAD_TOO_LARGE: code<{ limit: number }>(413, 'Request body too large'),
  API__RATE_LIMITED: code<{ retryAfterSeconds: number }>(429, 'Too many requests'),
  API__INTERNAL: code(500, 'Internal error'),
} as const;
