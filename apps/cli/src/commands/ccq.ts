import { AppError } from '@xmargin/errors';
import type { Command } from '../io.js';

// Placeholder until the issue that owns this command lands; kept so `xmargin help` lists it.
export const ccqCommand: Command = {
  name: 'ccq',
  summary: 'not available yet',
  usage: 'xmargin ccq ...',
  async run() {
    throw new AppError('CLI__USAGE', {
      shortMessage: '`xmargin ccq` is not available yet',
      context: { command: 'ccq', reason: 'not implemented' },
    });
  },
};
