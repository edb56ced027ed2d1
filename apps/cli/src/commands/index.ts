import type { Command } from '../io.js';
import { ccqCommand } from './ccq.js';
import { guardiansCommand } from './guardians.js';
import { liquidationCommand } from './liquidation.js';
import { marginCommand } from './margin.js';
import { pythCommand } from './pyth.js';
import { stressCommand } from './stress.js';
import { vaaCommand } from './vaa.js';

/** Every `xmargin` subcommand, by name. */
export const commands: readonly Command[] = [
  marginCommand,
  liquidationCommand,
  stressCommand,
  guardiansCommand,
  vaaCommand,
  ccqCommand,
  pythCommand,
];
