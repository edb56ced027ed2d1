import { createHttpTransport } from '@xmargin/client';
import { AppError } from '@xmargin/errors';
import type { PythSource } from './pyth-forwarder.js';

export interface HermesSourceOptions {
  /** Hermes base URL, e.g. `https://hermes.pyth.network`. */
  readonly url: string;
  /** Price feed ids (0x hex, 32 bytes). */
  readonly feedIds: readonly string[];
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/**
 * Latest accumulator updates from a Hermes endpoint (`GET /v2/updates/price/latest?ids[]=..&encoding=hex`),
 * returned as 0x-hex blobs (each one VAA plus Merkle proofs for the requested feeds).
 */
export function createHermesSource(options: HermesSourceOptions): PythSource {
  const transport = createHttpTransport({
    baseUrl: options.url,
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: 2,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const ids = options.feedIds.map((id) => `ids[]=${encodeURIComponent(id)}`).join('&');
  const path = `/v2/updates/price/latest?${ids}&encoding=hex&parsed=false`;
  return async (signal) => {
    const res = await transport.send({ method: 'GET', path, signal });
    const binary = (res.body as { binary?: { encoding?: unknown; data?: unknown } } | undefined)?.binary;
    const data = binary?.data;
    if (
      binary?.encoding !== 'hex' ||
      !Array.isArray(data) ||
      !data.every((d): d is string => typeof d === 'string' && /^(0x)?[0-9a-fA-F]+$/.test(d))
    ) {
      throw new AppError('RELAYER__GUARDIAN_RESPONSE_INVALID', {
        context: {
          url: `${options.url}/v2/updates/price/latest`,
          reason: 'expected { binary: { encoding: "hex", data: [hex] } }',
        },
      });
    }
    return data.map((d) => (d.startsWith('0x') ? d : `0x${d}`));
  };
}
