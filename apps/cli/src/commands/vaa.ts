import { AppError } from '@xmargin/errors';
import type { Command } from '../io.js';

// Placeholder until the issue that owns this command lands; kept so `xmargin help` lists it.
export const vaaCommand: Command = {
  name: 'vaa',
  summary: 'not available yet',
  usage: 'xmargin vaa ...',
  async run() {
    throw new AppError('CLI__USAGE', {
      shortMessage: '`xmargin vaa` is not available yet',
      context: { command: 'vaa', reason: 'not implemented' },
    });
  },
};
