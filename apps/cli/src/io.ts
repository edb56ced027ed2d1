import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppError } from '@xmargin/errors';

/** What a command may touch: output streams and files. Injected so commands run in-process in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
  /** True when progress lines on stderr help a person watching (a terminal); commands then report progress. */
  readonly interactive?: boolean;
}

export const processIo: CliIo = {
  interactive: process.stderr.isTTY === true,
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

/** One flag of a command, as `node:util` parseArgs takes it, plus what `--help` prints. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** What the flag does (one line in `--help`). */
  readonly description: string;
  /** Placeholder of a string flag's value in `--help` (`FILE`, `UNIX`). */
  readonly value?: string;
}

/** Flag values after parsing: strings for string flags, true for boolean flags given. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** A subcommand: `xmargin <name> ...args`, declared as data so parsing and `--help` have one source. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage lines without the leading `xmargin ` (e.g. `margin FILE...`). */
  readonly synopsis: readonly string[];
  /** Longer text printed under the usage lines by `--help`. */
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Receives the flags and positionals parsed by the dispatcher. Returns the exit status. */
  run(
    input: { readonly values: OptionValues; readonly positionals: readonly string[] },
    io: CliIo,
  ): Promise<number>;
}

/** Prints `{ "error": { code, message } }` (the CLI's error contract) to stdout. */
export function printError(io: CliIo, err: unknown): void {
  const body =
    err instanceof AppError
      ? { code: err.code, message: err.shortMessage, ...(err.details ? { details: err.details } : {}) }
      : { code: 'API__INTERNAL', message: err instanceof Error ? err.message : String(err) };
  io.stdout(`${JSON.stringify({ error: body })}\n`);
}
