import { code } from '../spec.js';

/** HTTP clients (packages/client) and the reference relayer (apps/relayer): transport failures. */
export const clientCodes = {
  CLIENT__NETWORK_ERROR: code<{ method: string; url: string; reason: string }>(
    503,
    'The server could not be reached',
  ),
  CLIENT__TIMEOUT: code<{ method: string; url: string; timeoutMs: number }>(504, 'The request timed out'),
  CLIENT__ABORTED: code<{ method: string; url: string }>(503, 'The request was cancelled by the caller'),
  CLIENT__HTTP_ERROR: code<{ method: string; url: string; status: number; serverCode: string | null }>(
    502,
    'The server answered with an error this client does not know',
  ),
  CLIENT__INVALID_RESPONSE: code<{ method: string; url: string; status: number; reason: string }>(
    502,
    'The server answered with a body that does not match the API schema',
  ),
  RELAYER__GUARDIAN_RESPONSE_INVALID: code<{ url: string; reason: string }>(
    502,
    'The guardian API answered with something that is not a signed VAA or query response',
  ),
  RELAYER__POST_REJECTED: code<{ kind: string; key: string; code: string }>(
    422,
    'The engine permanently rejected an attestation the relayer posted',
  ),
} as const;
