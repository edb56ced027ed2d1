import { code } from '../spec.js';

/** Process configuration (env, CLI flags, config files). */
export const configCodes = {
  CONFIG__INVALID: code<{ issues: readonly { path: string; message: string }[] }>(
    500,
    'Configuration is invalid',
  ),
  CLI__USAGE: code<{ command: string; reason: string }>(400, 'Invalid command-line usage'),
  CLI__FILE_NOT_FOUND: code<{ path: string }>(400, 'File not found'),
} as const;
