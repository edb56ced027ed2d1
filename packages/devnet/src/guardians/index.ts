export type { QueryReply } from './query/respond-to-query.js';
export { startDevnetGuardians } from './start-devnet-guardians.js';
export type {
  DevnetGuardians,
  GuardianEvmChain,
  ObservedMessage,
  StartDevnetGuardiansOptions,
} from './types.js';
export { normalizeEmitter } from './vaa-key.js';
export { logMessagePublished } from './watch-evm-messages.js';
