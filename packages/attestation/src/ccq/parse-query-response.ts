import { QueryResponse } from '@wormhole-foundation/wormhole-query-sdk';
import { AppError } from '@xmargin/errors';
import { bytesEqual } from '../internal/bytes.js';

/**
 * Parses a Queries response with the query SDK and insists the bytes are its canonical encoding: the
 * SDK's reader ignores trailing bytes, skips its own length prefixes and silently shortens reads past the
 * end, so we re-serialize and compare. A response that parses but is not byte-identical is rejected:
 * trailing bytes with ATTESTATION__TRAILING_BYTES, anything else as ATTESTATION__MALFORMED.
 */
export function parseQueryResponse(bytes: Uint8Array): QueryResponse {
  let response: QueryResponse;
  try {
    response = QueryResponse.from(bytes);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const outOfRange =
      (cause as { code?: string } | null)?.code === 'ERR_OUT_OF_RANGE' ||
      /out of range|outside buffer/i.test(message);
    if (outOfRange) {
      throw new AppError('ATTESTATION__TRUNCATED', {
        shortMessage: `Queries response ends too early (${bytes.length} bytes)`,
        context: { what: 'Queries response', length: bytes.length },
        cause,
      });
    }
    throw new AppError('ATTESTATION__MALFORMED', {
      shortMessage: `Queries response cannot be parsed: ${message}`,
      context: { reason: message },
      cause,
    });
  }
  let canonical: Uint8Array;
  try {
    canonical = response.serialize();
  } catch (cause) {
    throw new AppError('ATTESTATION__MALFORMED', {
      shortMessage: 'Queries response cannot be re-encoded',
      context: { reason: cause instanceof Error ? cause.message : String(cause) },
      cause,
    });
  }
  if (bytesEqual(canonical, bytes)) return response;
  if (canonical.length < bytes.length && bytesEqual(canonical, bytes.subarray(0, canonical.length))) {
    throw new AppError('ATTESTATION__TRAILING_BYTES', {
      shortMessage: `Queries response has ${bytes.length - canonical.length} trailing bytes`,
      context: { what: 'Queries response', expected: canonical.length, actual: bytes.length },
    });
  }
  // Otherwise a length field disagrees with the data (e.g. the last field was cut short and the SDK's
  // reader shortened it instead of failing).
  throw new AppError('ATTESTATION__MALFORMED', {
    shortMessage: 'Queries response is not in canonical encoding',
    context: { reason: 'non-canonical encoding' },
  });
}
