export { runCli } from './cli.js';
export { type CliIo, type Command, EXIT, type OptionSpec } from './io.js';
