// The devnet pieces the stack starts. `@xmargin/devnet`'s entry point only exports the EVM devnet so
// far; the Solana devnet and the guardians are taken from their own modules until it exports them.
export { type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
export {
  type DevnetGuardians,
  type GuardianEvmChain,
  startDevnetGuardians,
} from '../../../packages/devnet/src/guardians/index.js';
export { type SolanaDevnet, startSolanaDevnet } from '../../../packages/devnet/src/solana/index.js';
