import { isAppError } from '@xmargin/errors';
import { parseJson } from '@xmargin/schemas/risk';
import type { CliIo } from '../io.js';
import { readInputFile } from './attestation-args.js';

/**
 * Reads and validates one JSON document: the parsed value, or the stderr lines that describe every
 * problem (not JSON; each schema issue with its JSON path). An unreadable file throws CLI__FILE_NOT_FOUND.
 */
export async function readDocument<T>(
  io: CliIo,
  file: string,
  parse: (input: unknown) => T,
): Promise<{ readonly ok: T } | { readonly lines: readonly string[] }> {
  const text = await readInputFile(io, file);
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
