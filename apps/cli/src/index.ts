export { runCli } from './cli.js';
export { type CliIo, type Command, EXIT } from './io.js';
