import { AppError, isAppError } from '@xmargin/errors';
import { runStress } from '@xmargin/risk';
import { parseJson, parseStressDocument } from '@xmargin/schemas/risk';
import { type CliIo, type Command, EXIT } from '../io.js';

const USAGE = 'xmargin stress FILE';

function usage(message: string): AppError<'CLI__USAGE'> {
  return new AppError('CLI__USAGE', {
    shortMessage: message,
    context: { command: 'stress', reason: message },
  });
}

async function read(io: CliIo, path: string): Promise<string> {
  try {
    return await io.readFile(path);
  } catch (cause) {
    if (isAppError(cause, 'CLI__FILE_NOT_FOUND')) throw cause;
    throw new AppError('CLI__FILE_NOT_FOUND', {
      shortMessage: `Cannot read ${path}`,
      context: { path },
      cause,
    });
  }
}

/**
 * `xmargin stress FILE` (contagion spec section 7): the section-5 result of the stress document as
 * JSON on stdout, exit 0. An invalid document exits 2 with every issue and its JSON path on stderr and
 * nothing on stdout; a run error (RISK__*) exits 1 with its code (the CLI's error object on stdout,
 * and one line on stderr).
 */
export const stressCommand: Command = {
  name: 'stress',
  summary: 'systemic stress: book-wide contagion under isolated, cross and portfolio margin',
  usage: USAGE,
  async run(args, io) {
    const files = args.filter((a) => a === '-' || !a.startsWith('-'));
    const option = args.find((a) => a !== '-' && a.startsWith('-'));
    if (option !== undefined) throw usage(`unknown option ${option}`);
    if (files.length !== 1) throw usage(files.length === 0 ? 'no input file' : 'takes exactly one document');
    const file = files[0]!;
    const text = await read(io, file);
    let doc: ReturnType<typeof parseStressDocument>;
    try {
      doc = parseStressDocument(parseJson(text));
    } catch (err) {
      if (isAppError(err, 'DOCUMENT__UNPARSABLE')) {
        io.stderr(`${file}: not valid JSON: ${err.context.reason}\n`);
        return EXIT.usage;
      }
      if (isAppError(err, 'DOCUMENT__INVALID')) {
        const { issues } = err.context;
        io.stderr(
          [
            `${file}: invalid document (${issues.length} issue${issues.length === 1 ? '' : 's'})`,
            ...issues.map((i) => `  ${i.path}: ${i.message} (${i.code})`),
            '',
          ].join('\n'),
        );
        return EXIT.usage;
      }
      throw err;
    }
    try {
      io.stdout(`${JSON.stringify(runStress(doc), null, 2)}\n`);
    } catch (err) {
      if (err instanceof AppError) io.stderr(`${file}: ${err.code}: ${err.shortMessage}\n`);
      throw err;
    }
    return EXIT.ok;
  },
};
