// `@xmargin/devnet`'s entry point exports only the EVM devnet so far; the guardians and the Solana
// devnet come from their own modules until it exports them (then this file re-exports the package).
export { type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
export {
  type DevnetGuardians,
  startDevnetGuardians,
} from '../../../../packages/devnet/src/guardians/index.js';
export { type SolanaDevnet, startSolanaDevnet } from '../../../../packages/devnet/src/solana/index.js';
