import { AppError, isAppError } from '@xmargin/errors';
import { commands } from './commands/index.js';
import { type CliIo, EXIT, printError } from './io.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: xmargin <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `xmargin <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`xmargin: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`usage: ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (isAppError(err, 'CLI__USAGE') || isAppError(err, 'CLI__FILE_NOT_FOUND')) {
      io.stderr(`xmargin ${name}: ${err.shortMessage}\nusage: ${command.usage}\n`);
      return EXIT.usage;
    }
    printError(io, err);
    return err instanceof AppError ? EXIT.rejected : EXIT.rejected;
  }
}
