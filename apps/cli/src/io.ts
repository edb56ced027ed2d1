import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppError } from '@xmargin/errors';

/** What a command may touch: output streams and files. Injected so commands run in-process in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: async (path) => {
    try {
      return await readFile(resolve(path), 'utf8');
    } catch (cause) {
      throw new AppError('CLI__FILE_NOT_FOUND', {
        shortMessage: `Cannot read ${path}`,
        context: { path },
        cause,
      });
    }
  },
};

/** Exit statuses shared by all commands. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

/** A subcommand: `xmargin <name> ...args`. Returns the exit status. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Prints `{ "error": { code, message } }` (the CLI's error contract) to stdout. */
export function printError(io: CliIo, err: unknown): void {
  const body =
    err instanceof AppError
      ? { code: err.code, message: err.shortMessage, ...(err.details ? { details: err.details } : {}) }
      : { code: 'API__INTERNAL', message: err instanceof Error ? err.message : String(err) };
  io.stdout(`${JSON.stringify({ error: body })}\n`);
}
