import { readFileSync } from 'node:fs';
import { AppError, isAppError } from '@xmargin/errors';
import { commandHelp, parseCommandArgs } from './args.js';
import { commands } from './commands/index.js';
import { type CliIo, EXIT, printError } from './io.js';

/** The CLI's version: this package's (the file sits one level below the package root, in src/ or dist/). */
export const version: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: xmargin <command> [options]',
    '       xmargin --version | --help | help [--json]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `xmargin <command> --help` for the options of one command.',
    'Exit status: 0 ok, 1 rejected (the error as {"error":{code,message}} on stdout), 2 usage or invalid input.',
    '',
  ].join('\n');
}

/** `xmargin help --json`: every command with its usage and flags, for tools and completion scripts. */
function helpJson(): string {
  return `${JSON.stringify(
    {
      version,
      commands: commands.map((c) => ({
        name: c.name,
        summary: c.summary,
        synopsis: c.synopsis.map((s) => `xmargin ${s}`),
        options: c.options,
      })),
    },
    null,
    2,
  )}\n`;
}

/** Runs one CLI invocation and returns its exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.stdout(`xmargin ${version}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    if (name === 'help' && rest.length === 1 && rest[0] === '--json') {
      io.stdout(helpJson());
      return EXIT.ok;
    }
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout(topic ? commandHelp(topic) : help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`xmargin: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.values.help === true) {
      io.stdout(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(parsed, io);
  } catch (err) {
    if (isAppError(err, 'CLI__USAGE') || isAppError(err, 'CLI__FILE_NOT_FOUND')) {
      io.stderr(
        `xmargin ${name}: ${err.shortMessage}\n${command.synopsis.map((s) => `usage: xmargin ${s}`).join('\n')}\n` +
          `Run \`xmargin ${name} --help\` for every option.\n`,
      );
      return EXIT.usage;
    }
    printError(io, err);
    return err instanceof AppError ? EXIT.rejected : EXIT.rejected;
  }
}
