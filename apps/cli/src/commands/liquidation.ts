import { AppError, isAppError } from '@xmargin/errors';
import { simulateLiquidation } from '@xmargin/risk';
import { parseJson, parseLiquidationDocument } from '@xmargin/schemas/risk';
import { type CliIo, type Command, EXIT } from '../io.js';

const USAGE = 'xmargin liquidation simulate FILE';

function usage(message: string): AppError<'CLI__USAGE'> {
  return new AppError('CLI__USAGE', {
    shortMessage: message,
    context: { command: 'liquidation', reason: message },
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

/** The stderr lines of a document that does not parse: every issue with its JSON path. */
function invalidLines(file: string, err: unknown): string[] | null {
  if (isAppError(err, 'DOCUMENT__UNPARSABLE')) return [`${file}: not valid JSON: ${err.context.reason}`];
  if (isAppError(err, 'DOCUMENT__INVALID')) {
    const { issues } = err.context;
    return [
      `${file}: invalid document (${issues.length} issue${issues.length === 1 ? '' : 's'})`,
      ...issues.map((i) => `  ${i.path}: ${i.message} (${i.code})`),
    ];
  }
  return null;
}

/**
 * `xmargin liquidation simulate FILE` (liquidation spec section 6): runs the auction of the document's
 * account through its bids and prints `{start, actions, end}` as JSON. An invalid document: exit 2,
 * every issue with its path on stderr, nothing on stdout.
 */
export const liquidationCommand: Command = {
  name: 'liquidation',
  summary: 'simulate a liquidation auction (Dutch auction, insurance fund) from a file',
  usage: USAGE,
  async run(args, io) {
    const [sub, file, ...rest] = args;
    if (sub !== 'simulate') throw usage(sub === undefined ? 'no subcommand' : `unknown subcommand ${sub}`);
    if (file === undefined) throw usage('no input file');
    if (rest.length > 0) throw usage(`unexpected argument ${rest[0]}`);
    if (file.startsWith('-') && file !== '-') throw usage(`unknown option ${file}`);
    const text = await read(io, file);
    let doc: ReturnType<typeof parseLiquidationDocument>;
    try {
      doc = parseLiquidationDocument(parseJson(text));
    } catch (err) {
      const lines = invalidLines(file, err);
      if (lines === null) throw err;
      io.stderr(`${lines.join('\n')}\n`);
      return EXIT.usage;
    }
    io.stdout(`${JSON.stringify(simulateLiquidation(doc), null, 2)}\n`);
    return EXIT.ok;
  },
};
