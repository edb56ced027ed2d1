import { AppError } from '@xmargin/errors';
import { bytesToHex, concatHex, type Hex, hexToBytes, keccak256, numberToHex, stringToHex } from 'viem';
import { privateKeyToAddress, sign } from 'viem/accounts';
import type { ObservedMessage } from './types.js';

export interface GuardianSignerParameters {
  /** Private keys of the whole guardian set, in set order. */
  readonly keys: readonly Hex[];
  readonly guardianSetIndex: number;
  /** Guardians that sign, strictly ascending. */
  readonly signerIndices: readonly number[];
}

export interface GuardianSigner {
  readonly guardianSetIndex: number;
  /** Addresses of the whole set, in set order. */
  readonly addresses: readonly Hex[];
  /** The full serialized VAA v1 of an observed message. */
  signVaa(message: ObservedMessage): Promise<Uint8Array>;
  /** Signatures over a serialized QueryResponse: hex (no 0x) `r||s||v||guardianIndex`. */
  signQueryResponse(responseBytes: Uint8Array): Promise<string[]>;
}

function invalid(path: string, message: string): AppError<'CONFIG__INVALID'> {
  return new AppError('CONFIG__INVALID', {
    shortMessage: `Invalid devnet guardian configuration: ${path} ${message}`,
    context: { issues: [{ path, message }] },
  });
}

export function createGuardianSigner(params: GuardianSignerParameters): GuardianSigner {
  const { keys, guardianSetIndex, signerIndices } = params;
  if (keys.length === 0 || keys.length > 255) throw invalid('keys', 'must hold 1 to 255 keys');
  if (!Number.isInteger(guardianSetIndex) || guardianSetIndex < 0 || guardianSetIndex > 0xffffffff) {
    throw invalid('guardianSetIndex', 'must be a u32');
  }
  if (signerIndices.length === 0) throw invalid('signerIndices', 'must name at least one guardian');
  signerIndices.forEach((index, i) => {
    if (!Number.isInteger(index) || index < 0 || index >= keys.length) {
      throw invalid('signerIndices', `index ${index} is outside the ${keys.length}-key set`);
    }
    const previous = signerIndices[i - 1];
    if (previous !== undefined && index <= previous)
      throw invalid('signerIndices', 'must be strictly ascending');
  });
  const addresses = keys.map((k) => privateKeyToAddress(k));

  async function signDigest(digest: Hex, index: number): Promise<{ r: Hex; s: Hex; v: number }> {
    const key = keys[index] as Hex;
    const sig = await sign({ hash: digest, privateKey: key });
    return { r: sig.r, s: sig.s, v: sig.yParity ?? 0 };
  }

  return {
    guardianSetIndex,
    addresses,
    async signVaa(message) {
      const body = concatHex([
        numberToHex(message.timestamp, { size: 4 }),
        numberToHex(message.nonce, { size: 4 }),
        numberToHex(message.emitterChain, { size: 2 }),
        message.emitterAddress,
        numberToHex(message.sequence, { size: 8 }),
        numberToHex(message.consistencyLevel, { size: 1 }),
        bytesToHex(message.payload),
      ]);
      const digest = keccak256(keccak256(body));
      const signatures: Hex[] = [];
      for (const index of signerIndices) {
        const { r, s, v } = await signDigest(digest, index);
        signatures.push(concatHex([numberToHex(index, { size: 1 }), r, s, numberToHex(v, { size: 1 })]));
      }
      return hexToBytes(
        concatHex([
          '0x01',
          numberToHex(guardianSetIndex, { size: 4 }),
          numberToHex(signerIndices.length, { size: 1 }),
          ...signatures,
          body,
        ]),
      );
    },
    async signQueryResponse(responseBytes) {
      const digest = keccak256(
        concatHex([stringToHex('query_response_0000000000000000000|'), keccak256(responseBytes)]),
      );
      const out: string[] = [];
      for (const index of signerIndices) {
        const { r, s, v } = await signDigest(digest, index);
        out.push(concatHex([r, s, numberToHex(v, { size: 1 }), numberToHex(index, { size: 1 })]).slice(2));
      }
      return out;
    },
  };
}
