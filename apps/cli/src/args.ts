import { parseArgs } from 'node:util';
import { AppError } from '@xmargin/errors';
import type { Command, OptionSpec, OptionValues } from './io.js';

/** A usage error of one command (exit 2, with the command's usage). */
export function usageError(command: string, reason: string): AppError<'CLI__USAGE'> {
  return new AppError('CLI__USAGE', { shortMessage: reason, context: { command, reason } });
}

const HELP = { help: { type: 'boolean', short: 'h', description: 'print this help and exit' } } as const;

/**
 * The one argument parser of the CLI: `node:util` parseArgs over the command's declared options, strict
 * (unknown flags, a missing value, a value given to a boolean flag are usage errors naming the flag).
 */
export function parseCommandArgs(
  command: Command,
  args: readonly string[],
): { values: OptionValues & { help?: boolean }; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...HELP }).map(([name, o]) => [
      name,
      { type: o.type, ...('short' in o ? { short: o.short } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    throw usageError(command.name, message.replace(/\. To specify a positional argument.*$/, ''));
  }
}

/** `--help` of one command: usage lines, description, and every flag with what it does. */
export function commandHelp(command: Command): string {
  const all: [string, OptionSpec & { short?: string }][] = Object.entries({ ...command.options, ...HELP });
  const flags = all.map(([name, o]) => ({
    left: `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    text: o.description,
  }));
  const width = Math.max(...flags.map((f) => f.left.length));
  return [
    ...command.synopsis.map((s, i) => `${i === 0 ? 'usage: ' : '       '}xmargin ${s}`),
    '',
    command.summary,
    ...(command.description ? ['', command.description] : []),
    '',
    'options:',
    ...flags.map((f) => `  ${f.left.padEnd(width)}  ${f.text}`),
    '',
  ].join('\n');
}

/** The value of a string flag (undefined when not given). */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** `FILE` positionals only: a lone `-` is a file name (stdin is not read), anything else is positional. */
export function exactlyOne(command: string, positionals: readonly string[], what: string): string {
  if (positionals.length === 0) throw usageError(command, `no ${what}`);
  if (positionals.length > 1) throw usageError(command, `unexpected argument ${positionals[1]}`);
  return positionals[0]!;
}
