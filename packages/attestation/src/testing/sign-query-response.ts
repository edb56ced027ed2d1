import { QueryResponse } from '@wormhole-foundation/wormhole-query-sdk';
import { devnetGuardianKeys } from './devnet-keys.js';
import { signDigest } from './sign.js';

/**
 * Signs a Queries response as the guardians do: over keccak256(prefix || keccak256(bytes)), each signature
 * 66 bytes `r || s || v || guardianIndex` (index LAST, unlike VAAs), as unprefixed hex, which is what the
 * query proxy returns and the query SDK's helpers expect.
 */
export function signQueryResponse(
  responseBytes: Uint8Array,
  keys: readonly string[] = devnetGuardianKeys(),
  signerIndices: readonly number[] = Array.from(
    { length: Math.floor((2 * keys.length) / 3) + 1 },
    (_, i) => i,
  ),
  opts: { highS?: boolean } = {},
): string[] {
  const digest = QueryResponse.digest(responseBytes);
  return signerIndices.map((index) => {
    const key = keys[index];
    if (key === undefined) throw new RangeError(`no key for guardian ${index}`);
    const { rs, v } = signDigest(digest, key, opts.highS ?? false);
    return Buffer.from([...rs, v, index]).toString('hex');
  });
}
