import { simulateLiquidation } from '@xmargin/risk';
import { parseLiquidationDocument } from '@xmargin/schemas/risk';
import { exactlyOne, usageError } from '../args.js';
import { type Command, EXIT } from '../io.js';
import { readDocument } from './read-document.js';

/**
 * `xmargin liquidation simulate FILE` (liquidation spec section 6): runs the auction of the document's
 * account through its bids and prints `{start, actions, end}` as JSON. An invalid document: exit 2,
 * every issue with its path on stderr, nothing on stdout.
 */
export const liquidationCommand: Command = {
  name: 'liquidation',
  summary: 'simulate a liquidation auction (Dutch auction, insurance fund) from a file',
  synopsis: ['liquidation simulate FILE'],
  description:
    'FILE: a margin document plus optional "auction" {params, insuranceFund} and "actions" (bids). ' +
    'Prints {start, actions, end} as JSON (spec liquidation.md section 6).',
  options: {},
  async run({ positionals }, io) {
    const [sub, ...rest] = positionals;
    if (sub !== 'simulate') {
      throw usageError('liquidation', sub === undefined ? 'no subcommand' : `unknown subcommand ${sub}`);
    }
    const file = exactlyOne('liquidation', rest, 'input file');
    const doc = await readDocument(io, file, parseLiquidationDocument);
    if (!('ok' in doc)) {
      io.stderr(`${doc.lines.join('\n')}\n`);
      return EXIT.usage;
    }
    io.stdout(`${JSON.stringify(simulateLiquidation(doc.ok), null, 2)}\n`);
    return EXIT.ok;
  },
};
