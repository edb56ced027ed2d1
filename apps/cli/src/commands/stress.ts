import { AppError } from '@xmargin/errors';
import { runStress } from '@xmargin/risk';
import { parseStressDocument } from '@xmargin/schemas/risk';
import { exactlyOne } from '../args.js';
import { type Command, EXIT } from '../io.js';
import { readDocument } from './read-document.js';

/**
 * `xmargin stress FILE` (contagion spec section 7): the section-5 result of the stress document as
 * JSON on stdout, exit 0. An invalid document exits 2 with every issue and its JSON path on stderr and
 * nothing on stdout; a run error (RISK__*) exits 1 with its code (the CLI's error object on stdout,
 * and one line on stderr). On a terminal, each round's progress goes to stderr.
 */
export const stressCommand: Command = {
  name: 'stress',
  summary: 'systemic stress: book-wide contagion under isolated, cross and portfolio margin',
  synopsis: ['stress FILE'],
  description: 'FILE: a stress document (spec contagion.md section 1); prints the section-5 result as JSON.',
  options: {},
  async run({ positionals }, io) {
    const file = exactlyOne('stress', positionals, 'input file');
    const doc = await readDocument(io, file, parseStressDocument);
    if (!('ok' in doc)) {
      io.stderr(`${doc.lines.join('\n')}\n`);
      return EXIT.usage;
    }
    try {
      const onRound = (mode: string, round: number) => io.stderr(`${mode}: round ${round}\n`);
      io.stdout(`${JSON.stringify(runStress(doc.ok, io.interactive ? { onRound } : undefined), null, 2)}\n`);
    } catch (err) {
      if (err instanceof AppError) io.stderr(`${file}: ${err.code}: ${err.shortMessage}\n`);
      throw err;
    }
    return EXIT.ok;
  },
};
