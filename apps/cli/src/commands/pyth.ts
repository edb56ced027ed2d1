import { AppError } from '@xmargin/errors';
import type { Command } from '../io.js';

// Placeholder until the issue that owns this command lands; kept so `xmargin help` lists it.
export const pythCommand: Command = {
  name: 'pyth',
  summary: 'not available yet',
  usage: 'xmargin pyth ...',
  async run() {
    throw new AppError('CLI__USAGE', {
      shortMessage: '`xmargin pyth` is not available yet',
      context: { command: 'pyth', reason: 'not implemented' },
    });
  },
};
