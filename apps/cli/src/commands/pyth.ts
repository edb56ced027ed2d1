import { verifyPythUpdate } from '@xmargin/attestation';
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
import { describeVaa } from './vaa.js';

const NAME = 'pyth';

export const pythCommand: Command = {
  name: NAME,
  summary: 'verify a Pyth accumulator update and print its price messages',
  synopsis: [
    'pyth verify --trust STORE.json --update BASE64|HEX|@FILE [--now UNIX] [--max-age SECONDS] ' +
      '[--emitter CHAIN:0xADDR]',
  ],
  options: {
    ...verifyOptions,
    update: {
      type: 'string',
      value: 'BASE64|HEX|@FILE',
      description: 'the accumulator update (Hermes binary)',
    },
  },
  async run({ values: parsed, positionals }, io) {
    const [sub, ...extra] = positionals;
    if (sub !== 'verify') throw usageError(NAME, 'expected the subcommand `verify`');
    if (extra.length > 0) throw usageError(NAME, `unexpected argument ${extra[0]}`);
    const trustStore = await loadTrustStore(io, requireFlag(NAME, parsed, 'trust'));
    const update = await binaryArg(io, requireFlag(NAME, parsed, 'update'), 'Pyth update');
    const emitter = parsed.emitter as string | undefined;
    const maxAge = integerFlag(NAME, parsed, 'max-age');
    const verified = verifyPythUpdate({
      update,
      trustStore,
      now: nowFlag(NAME, parsed),
      ...(emitter === undefined ? {} : { emitter: emitterArg(NAME, emitter) }),
      ...(maxAge === undefined ? {} : { maxAgeSeconds: maxAge }),
    });
    const { header, body, digest, replayKey, signers } = describeVaa(verified.vaa);
    io.stdout(
      `${toJson({
        vaa: { guardianSetIndex: header.guardianSetIndex, signers, ...body, digest, replayKey },
        slot: verified.slot,
        ringSize: verified.ringSize,
        root: verified.root,
        prices: verified.prices,
      })}\n`,
    );
    return 0;
  },
};
