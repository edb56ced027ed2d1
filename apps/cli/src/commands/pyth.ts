import { verifyPythUpdate } from '@xmargin/attestation';
import type { Command } from '../io.js';
import {
  binaryArg,
  emitterArg,
  integerFlag,
  loadTrustStore,
  nowFlag,
  parseArgs,
  requireFlag,
  toJson,
  usageError,
} from './attestation-args.js';
import { describeVaa } from './vaa.js';

const NAME = 'pyth';
const USAGE =
  'xmargin pyth verify --trust STORE.json --update BASE64|HEX|@FILE [--now UNIX] [--max-age SECONDS] ' +
  '[--emitter CHAIN:0xADDR]';

export const pythCommand: Command = {
  name: NAME,
  summary: 'verify a Pyth accumulator update and print its price messages',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(NAME, args, ['trust', 'update', 'now', 'max-age', 'emitter']);
    const [sub, ...extra] = parsed.positionals;
    if (sub !== 'verify') throw usageError(NAME, 'expected the subcommand `verify`');
    if (extra.length > 0) throw usageError(NAME, `unexpected argument ${extra[0]}`);
    const trustStore = await loadTrustStore(io, requireFlag(NAME, parsed, 'trust'));
    const update = await binaryArg(io, requireFlag(NAME, parsed, 'update'), 'Pyth update');
    const emitter = parsed.flags.get('emitter');
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
