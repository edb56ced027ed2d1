import { createHttpTransport, type HttpTransportOptions, type RetryInfo } from '@xmargin/client';
import { AppError } from '@xmargin/errors';

export interface GuardianClientOptions {
  /** Base URL of a guardian public API (`GET /v1/signed_vaa/...`, `POST /v1/query`). */
  readonly url: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly onRetry?: (info: RetryInfo) => void;
}

/** A signed Wormhole Queries response as the query proxy returns it. */
export interface SignedQueryResponse {
  /** Hex of the serialized QueryResponse (no 0x, as the proxy sends it). */
  readonly bytes: string;
  /** 66-byte hex signatures r||s||v||guardianIndex. */
  readonly signatures: readonly string[];
}

export interface GuardianClient {
  readonly url: string;
  /** The signed VAA bytes, or null while the guardians have not signed that sequence (404). */
  getSignedVaa(
    chain: number,
    emitter: string,
    sequence: bigint,
    signal?: AbortSignal,
  ): Promise<Uint8Array | null>;
  /** Asks the guardians to execute and sign a serialized QueryRequest. */
  query(request: Uint8Array, signal?: AbortSignal): Promise<SignedQueryResponse>;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX = /^(0x)?([0-9a-fA-F]{2})+$/;

function invalid(url: string, reason: string): AppError<'RELAYER__GUARDIAN_RESPONSE_INVALID'> {
  return new AppError('RELAYER__GUARDIAN_RESPONSE_INVALID', {
    context: { url, reason },
    shortMessage: `Guardian API ${url}: ${reason}`,
  });
}

/**
 * Client of the guardian public REST API. Both calls are reads from the relayer's point of view (a query
 * executes an eth_call / account read), so transient failures are retried like any idempotent request.
 */
export function createGuardianClient(options: GuardianClientOptions): GuardianClient {
  const transportOptions: HttpTransportOptions = {
    baseUrl: options.url,
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 2,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  };
  const transport = createHttpTransport(transportOptions);
  const emitterHex = (emitter: string) => emitter.replace(/^0x/, '').toLowerCase().padStart(64, '0');

  return {
    url: options.url,
    async getSignedVaa(chain, emitter, sequence, signal) {
      const path = `/v1/signed_vaa/${chain}/${emitterHex(emitter)}/${sequence}`;
      const res = await transport.send({ method: 'GET', path, accept: [404], ...(signal ? { signal } : {}) });
      if (res.status === 404) return null;
      const vaaBytes = (res.body as { vaaBytes?: unknown } | undefined)?.vaaBytes;
      if (typeof vaaBytes !== 'string' || !BASE64.test(vaaBytes)) {
        throw invalid(`${options.url}${path}`, 'expected { vaaBytes: <base64> }');
      }
      return Uint8Array.from(Buffer.from(vaaBytes, 'base64'));
    },
    async query(request, signal) {
      const res = await transport.send({
        method: 'POST',
        path: '/v1/query',
        body: { bytes: Buffer.from(request).toString('hex') },
        idempotent: true,
        ...(signal ? { signal } : {}),
      });
      const body = res.body as { bytes?: unknown; signatures?: unknown } | undefined;
      const { bytes, signatures } = body ?? {};
      if (
        typeof bytes !== 'string' ||
        !HEX.test(bytes) ||
        !Array.isArray(signatures) ||
        !signatures.every((s): s is string => typeof s === 'string' && HEX.test(s))
      ) {
        throw invalid(`${options.url}/v1/query`, 'expected { bytes: <hex>, signatures: <hex>[] }');
      }
      return { bytes: bytes.replace(/^0x/, ''), signatures: signatures.map((s) => s.replace(/^0x/, '')) };
    },
  };
}
