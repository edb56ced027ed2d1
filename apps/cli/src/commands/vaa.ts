import { decodeKnownPayload, type Emitter, toHex, type VerifiedVaa, verifyVaa } from '@xmargin/attestation';
import { usageError } from '../args.js';
import type { Command } from '../io.js';
import {
  binaryArg,
  emitterArg,
  integerFlag,
  loadTrustStore,
  nowFlag,
  requireFlag,
  toJson,
  verifyOptions,
} from './attestation-args.js';

const NAME = 'vaa';

/** Renders SDK values (UniversalAddress and friends) through their own toString. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(plain);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && typeof (value as object).toString === 'function') {
    return String(value);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

export function describeVaa(vaa: VerifiedVaa) {
  const decoded = decodeKnownPayload(vaa.payload);
  return {
    header: {
      version: vaa.version,
      guardianSetIndex: vaa.guardianSetIndex,
      signatures: vaa.signatures.map((s) => ({
        guardianIndex: s.guardianIndex,
        r: toHex(s.rs.subarray(0, 32)),
        s: toHex(s.rs.subarray(32, 64)),
        v: s.v,
      })),
    },
    body: {
      timestamp: vaa.timestamp,
      nonce: vaa.nonce,
      emitterChain: vaa.emitterChain,
      emitterAddress: vaa.emitterAddress,
      sequence: vaa.sequence,
      consistencyLevel: vaa.consistencyLevel,
      payload: vaa.payload,
    },
    digest: vaa.digest,
    replayKey: vaa.replayKey,
    signers: vaa.signers,
    ...(decoded ? { payloadLayout: decoded.layout, decodedPayload: plain(decoded.value) } : {}),
  };
}

export const vaaCommand: Command = {
  name: NAME,
  summary: 'verify a VAA against a trust store and print its fields',
  synopsis: [
    'vaa verify --trust STORE.json --vaa HEX|BASE64|@FILE [--now UNIX] [--max-age SECONDS] ' +
      '[--emitter CHAIN:0xADDR --kind KIND]',
  ],
  options: {
    ...verifyOptions,
    vaa: { type: 'string', value: 'HEX|BASE64|@FILE', description: 'the VAA, inline or @file' },
    kind: {
      type: 'string',
      value: 'KIND',
      description: 'payload kind the emitter is allowed for (collateral)',
    },
  },
  async run({ values: parsed, positionals }, io) {
    const [sub, ...extra] = positionals;
    if (sub !== 'verify') throw usageError(NAME, 'expected the subcommand `verify`');
    if (extra.length > 0) throw usageError(NAME, `unexpected argument ${extra[0]}`);
    const trustStore = await loadTrustStore(io, requireFlag(NAME, parsed, 'trust'));
    const bytes = await binaryArg(io, requireFlag(NAME, parsed, 'vaa'), 'VAA');
    const emitter = parsed.emitter as string | undefined;
    const kind = parsed.kind as string | undefined;
    if (kind !== undefined && emitter === undefined) throw usageError(NAME, '--kind needs --emitter');
    const maxAge = integerFlag(NAME, parsed, 'max-age');
    const allowed: Emitter[] = emitter === undefined ? [] : [emitterArg(NAME, emitter)];
    const vaa = verifyVaa(bytes, {
      trustStore,
      now: nowFlag(NAME, parsed),
      ...(emitter === undefined
        ? {}
        : { emitters: { [kind ?? 'collateral']: allowed }, kind: kind ?? 'collateral' }),
      ...(maxAge === undefined ? {} : { maxAgeSeconds: maxAge }),
    });
    io.stdout(`${toJson(describeVaa(vaa))}\n`);
    return 0;
  },
};
