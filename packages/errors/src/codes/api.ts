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
  API__INVALID_REQUEST: code<{ part: string; issues: readonly { path: string; message: string }[] }>(
    400,
    'Request failed validation',
  ),
  API__CHALLENGE_INVALID: code<{ challengeId: string }>(
    422,
    'Address challenge is unknown, expired, already used or for another address',
  ),
  API__SIGNATURE_INVALID: code<{ chain: string; address: string }>(
    422,
    'Signature does not prove control of the address',
  ),
  API__ADDRESS_LINKED: code<{ chain: string; address: string; accountId: string }>(
    409,
    'Address is already linked to another account',
  ),
  API__UNSUPPORTED_ATTESTATION: code<{ kind: string; reason: string }>(
    422,
    'Attestation is valid but carries nothing this engine applies',
  ),
  API__NO_SNAPSHOT: code<{ accountId: string }>(404, 'No margin snapshot for this account yet'),
  API__URI_TOO_LONG: code<{ limit: number }>(414, 'Request URL too long'),
  API__HEADERS_TOO_LARGE: code(431, 'Request headers too large'),
  API__UNAVAILABLE: code<{ dependency: string }>(503, 'A service the engine depends on is unavailable'),
  API__QUOTA_EXCEEDED: code<{ resource: string; limit: number }>(
    403,
    'The API key holds as many of this resource as it may',
  ),
  API__OBSERVATION_TIME_INVALID: code<{ observedAt: number; now: number; reason: string }>(
    422,
    'Observation time is in the future or too old',
  ),
  API__POSITION_UNMARGINABLE: code<{ issues: readonly { path: string; message: string }[] }>(
    422,
    'Position cannot be margined with the current market data',
  ),
  API__EVENTS_MISSED: code<{ lastEventId: string; oldestId: string | null }>(
    409,
    'Events after Last-Event-ID are no longer retained: re-read the current state',
  ),
} as const;
