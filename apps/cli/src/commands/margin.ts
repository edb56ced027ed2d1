import { AppError, isAppError } from '@xmargin/errors';
import { computeMargin, type MarginDocument, whatIf } from '@xmargin/risk';
import { parseJson, parseMarginDocument, parseWhatIfDocument } from '@xmargin/schemas/risk';
import { type CliIo, type Command, EXIT } from '../io.js';

const USAGE = 'xmargin margin FILE... | xmargin margin FILE --what-if CHANGES.json';

interface Args {
  files: string[];
  whatIf: string | undefined;
}

function usage(message: string): AppError<'CLI__USAGE'> {
  return new AppError('CLI__USAGE', {
    shortMessage: message,
    context: { command: 'margin', reason: message },
  });
}

function parseArgs(args: readonly string[]): Args {
  const files: string[] = [];
  let whatIfFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--what-if') {
      whatIfFile = args[++i];
      if (whatIfFile === undefined) throw usage('--what-if needs a file');
    } else if (a.startsWith('--what-if=')) {
      whatIfFile = a.slice('--what-if='.length);
    } else if (a.startsWith('-') && a !== '-') {
      throw usage(`unknown option ${a}`);
    } else {
      files.push(a);
    }
  }
  if (files.length === 0) throw usage('no input file');
  if (whatIfFile !== undefined && files.length !== 1) throw usage('--what-if takes exactly one document');
  return { files, whatIf: whatIfFile };
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

/** Parses one file; on failure returns the stderr lines describing every problem. */
function validate<T>(
  file: string,
  text: string,
  parse: (input: unknown) => T,
): { ok: T } | { lines: string[] } {
  try {
    return { ok: parse(parseJson(text)) };
  } catch (err) {
    if (isAppError(err, 'DOCUMENT__UNPARSABLE'))
      return { lines: [`${file}: not valid JSON: ${err.context.reason}`] };
    if (isAppError(err, 'DOCUMENT__INVALID')) {
      const { issues } = err.context;
      return {
        lines: [
          `${file}: invalid document (${issues.length} issue${issues.length === 1 ? '' : 's'})`,
          ...issues.map((i) => `  ${i.path}: ${i.message} (${i.code})`),
        ],
      };
    }
    throw err;
  }
}

/**
 * `xmargin margin FILE...`: validates every document first (any invalid one: exit 2, every issue with
 * its JSON path on stderr, nothing on stdout), then prints each margin result: pretty JSON for one
 * file, one JSON object per line with a `file` field for several. `--what-if CHANGES.json` prints the
 * what-if result for one document instead.
 */
export const marginCommand: Command = {
  name: 'margin',
  summary: 'margin of account documents (portfolio, isolated, cross), or a what-if check',
  usage: USAGE,
  async run(args, io) {
    const { files, whatIf: whatIfFile } = parseArgs(args);
    const errors: string[] = [];
    const docs: { file: string; doc: MarginDocument }[] = [];
    for (const file of files) {
      const r = validate(file, await read(io, file), parseMarginDocument);
      if ('ok' in r) docs.push({ file, doc: r.ok });
      else errors.push(...r.lines);
    }
    let changes: ReturnType<typeof parseWhatIfDocument> | undefined;
    if (whatIfFile !== undefined) {
      const r = validate(whatIfFile, await read(io, whatIfFile), parseWhatIfDocument);
      if ('ok' in r) changes = r.ok;
      else errors.push(...r.lines);
    }
    if (errors.length > 0) {
      io.stderr(`${errors.join('\n')}\n`);
      return EXIT.usage;
    }
    if (changes !== undefined) {
      io.stdout(`${JSON.stringify(whatIf(docs[0]!.doc, changes.changes, changes.options), null, 2)}\n`);
      return EXIT.ok;
    }
    if (docs.length === 1) {
      io.stdout(`${JSON.stringify(computeMargin(docs[0]!.doc), null, 2)}\n`);
      return EXIT.ok;
    }
    for (const { file, doc } of docs) io.stdout(`${JSON.stringify({ file, ...computeMargin(doc) })}\n`);
    return EXIT.ok;
  },
};
