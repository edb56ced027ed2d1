import { AppError } from '@xmargin/errors';
import type { Command } from '../io.js';

// Placeholder until the issue that owns this command lands; kept so `xmargin help` lists it.
export const guardiansCommand: Command = {
  name: 'guardians',
  summary: 'not available yet',
  usage: 'xmargin guardians ...',
  async run() {
    throw new AppError('CLI__USAGE', {
      shortMessage: '`xmargin guardians` is not available yet',
      context: { command: 'guardians', reason: 'not implemented' },
    });
  },
};
