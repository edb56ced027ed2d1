import { chains } from '@xmargin/core';
import { computeMargin, type MarginDocument, whatIf } from '@xmargin/risk';
import { parseMarginDocument, parseWhatIfDocument } from '@xmargin/schemas/risk';
import { stringOption, usageError } from '../args.js';
import { type Command, EXIT } from '../io.js';
import { readDocument } from './read-document.js';

/**
 * `xmargin margin FILE...`: the margin result of each valid document (pretty JSON for one file, one
 * JSON object per line with a `file` field for several); every invalid one is reported on stderr with
 * each issue's JSON path and makes the exit status 2, without hiding the results of the valid ones.
 * `--what-if CHANGES.json` prints the what-if result for one document instead.
 */
export const marginCommand: Command = {
  name: 'margin',
  summary: 'margin of account documents (portfolio, isolated, cross), or a what-if check',
  synopsis: ['margin FILE...', 'margin FILE --what-if CHANGES.json'],
  description:
    'Exit 0 when every document is valid; 2 when any is invalid (its issues on stderr, the valid ones ' +
    'still printed); 1 when a valid document cannot be margined. Progress goes to stderr on a terminal.',
  options: {
    'what-if': {
      type: 'string',
      value: 'CHANGES.json',
      description: 'pre-trade check of the changes in the file against the one document',
    },
  },
  async run({ values, positionals: files }, io) {
    const whatIfFile = stringOption(values, 'what-if');
    if (files.length === 0) throw usageError('margin', 'no input file');
    if (whatIfFile !== undefined && files.length !== 1) {
      throw usageError('margin', '--what-if takes exactly one document');
    }
    if (whatIfFile !== undefined) {
      const doc = await readDocument(io, files[0]!, parseMarginDocument);
      const changes = await readDocument(io, whatIfFile, parseWhatIfDocument);
      if (!('ok' in doc) || !('ok' in changes)) {
        const lines = [...('lines' in doc ? doc.lines : []), ...('lines' in changes ? changes.lines : [])];
        io.stderr(`${lines.join('\n')}\n`);
        return EXIT.usage;
      }
      // Collateral on a chain outside the registry is refused (RISK__UNKNOWN_CHAIN), as over HTTP.
      const options = { ...changes.ok.options, chains: Object.keys(chains) };
      io.stdout(`${JSON.stringify(whatIf(doc.ok, changes.ok.changes, options), null, 2)}\n`);
      return EXIT.ok;
    }
    if (files.length === 1) {
      const doc = await readDocument(io, files[0]!, parseMarginDocument);
      if (!('ok' in doc)) {
        io.stderr(`${doc.lines.join('\n')}\n`);
        return EXIT.usage;
      }
      io.stdout(`${JSON.stringify(computeMargin(doc.ok), null, 2)}\n`);
      return EXIT.ok;
    }
    let status: number = EXIT.ok;
    for (const [i, file] of files.entries()) {
      if (io.interactive && files.length > 1) io.stderr(`[${i + 1}/${files.length}] ${file}\n`);
      const doc = await readDocument(io, file, parseMarginDocument);
      if (!('ok' in doc)) {
        io.stderr(`${doc.lines.join('\n')}\n`);
        status = EXIT.usage;
        continue;
      }
      io.stdout(`${JSON.stringify({ file, ...computeMargin(doc.ok as MarginDocument) })}\n`);
    }
    return status;
  },
};
