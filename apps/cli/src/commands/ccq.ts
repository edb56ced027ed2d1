import { type ExpectedQuery, verifyQueryResponse } from '@xmargin/attestation';
import { usageError } from '../args.js';
import type { Command } from '../io.js';
import {
  binaryArg,
  integerFlag,
  loadTrustStore,
  nowFlag,
  readInputFile,
  requireFlag,
  toJson,
  verifyOptions,
} from './attestation-args.js';

const NAME = 'ccq';

function expectedArg(evm: string | undefined, spl: string | undefined): ExpectedQuery | undefined {
  if (evm !== undefined && spl !== undefined)
    throw usageError(NAME, 'give --expect-evm or --expect-spl, not both');
  if (evm !== undefined) {
    const m = /^(\d+):(0x[0-9a-fA-F]{40}):(0x[0-9a-fA-F]{40})$/.exec(evm);
    if (!m) throw usageError(NAME, '--expect-evm must be CHAIN:0xTOKEN:0xHOLDER');
    return { kind: 'evm-balance', chainId: Number(m[1]), token: m[2]!, holder: m[3]! };
  }
  if (spl !== undefined) {
    const m = /^(\d+):([^:]+):([^:]+):([^:]+)$/.exec(spl);
    if (!m) throw usageError(NAME, '--expect-spl must be CHAIN:ACCOUNT:MINT:OWNER');
    return { kind: 'spl-balance', chainId: Number(m[1]), account: m[2]!, mint: m[3]!, owner: m[4]! };
  }
  return undefined;
}

export const ccqCommand: Command = {
  name: NAME,
  summary: 'verify a Wormhole Queries response and its guardian signatures',
  synopsis: [
    'ccq verify --trust STORE.json --response HEX|@FILE --signatures HEX,HEX,...|@FILE [--now UNIX] ' +
      '[--guardian-set N] [--expect-evm CHAIN:0xTOKEN:0xHOLDER | --expect-spl CHAIN:ACCOUNT:MINT:OWNER] ' +
      '[--max-age SECONDS] [--last-height N]',
  ],
  options: {
    trust: verifyOptions.trust,
    now: verifyOptions.now,
    'max-age': verifyOptions['max-age'],
    response: { type: 'string', value: 'HEX|@FILE', description: 'the serialised Queries response' },
    signatures: {
      type: 'string',
      value: 'HEX,...|@FILE',
      description: 'guardian signatures (65-byte hex with index), comma-separated or one per line in @FILE',
    },
    'guardian-set': {
      type: 'string',
      value: 'N',
      description: 'guardian set that signed (default: current)',
    },
    'expect-evm': {
      type: 'string',
      value: 'CHAIN:0xTOKEN:0xHOLDER',
      description: 'require a balanceOf(HOLDER) call to TOKEN on CHAIN',
    },
    'expect-spl': {
      type: 'string',
      value: 'CHAIN:ACCOUNT:MINT:OWNER',
      description: 'require the SPL token ACCOUNT of MINT owned by OWNER',
    },
    'last-height': { type: 'string', value: 'N', description: 'refuse responses at or below this height' },
  },
  async run({ values: parsed, positionals }, io) {
    const [sub, ...extra] = positionals;
    if (sub !== 'verify') throw usageError(NAME, 'expected the subcommand `verify`');
    if (extra.length > 0) throw usageError(NAME, `unexpected argument ${extra[0]}`);
    const trustStore = await loadTrustStore(io, requireFlag(NAME, parsed, 'trust'));
    const response = await binaryArg(io, requireFlag(NAME, parsed, 'response'), 'Queries response');
    const signaturesArg = requireFlag(NAME, parsed, 'signatures');
    const signatures = (
      signaturesArg.startsWith('@') ? await readInputFile(io, signaturesArg.slice(1)) : signaturesArg
    )
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const expected = expectedArg(
      parsed['expect-evm'] as string | undefined,
      parsed['expect-spl'] as string | undefined,
    );
    const guardianSetIndex = integerFlag(NAME, parsed, 'guardian-set');
    const maxAge = integerFlag(NAME, parsed, 'max-age');
    const lastHeight = integerFlag(NAME, parsed, 'last-height');
    const verified = verifyQueryResponse({
      response,
      signatures,
      trustStore,
      now: nowFlag(NAME, parsed),
      ...(guardianSetIndex === undefined ? {} : { guardianSetIndex }),
      ...(expected ? { expected } : {}),
      ...(maxAge === undefined ? {} : { maxAgeSeconds: maxAge }),
      ...(lastHeight === undefined ? {} : { lastAppliedHeight: BigInt(lastHeight) }),
    });
    const { response: r } = verified;
    io.stdout(
      `${toJson({
        guardianSetIndex: verified.guardianSetIndex,
        signers: verified.signers,
        digest: verified.digest,
        replayKey: verified.replayKey,
        request: {
          nonce: r.request.nonce,
          requests: r.request.requests.map((q) => ({
            chainId: q.chainId,
            type: q.query.type(),
            query: q.query,
          })),
        },
        responses: r.responses.map((p) => ({
          chainId: p.chainId,
          type: p.response.type(),
          response: p.response,
        })),
        ...(verified.result ? { result: verified.result } : {}),
      })}\n`,
    );
    return 0;
  },
};
