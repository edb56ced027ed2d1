import { AppError } from '@xmargin/errors';
import type { Command } from '../io.js';

// Placeholder until the issue that owns this command lands; kept so `xmargin help` lists it.
export const marginCommand: Command = {
  name: 'margin',
  summary: 'not available yet',
  usage: 'xmargin margin ...',
  async run() {
    throw new AppError('CLI__USAGE', {
      shortMessage: '`xmargin margin` is not available yet',
      context: { command: 'margin', reason: 'not implemented' },
    });
  },
};
