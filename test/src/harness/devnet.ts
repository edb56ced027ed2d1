// The devnet pieces the stack starts (a dev tool: it runs in the test or demo process itself).
export {
  DEVNET_SETTLEMENT_PRIVATE_KEY,
  type DevnetGuardians,
  type EvmDevnet,
  type GuardianEvmChain,
  type SolanaDevnet,
  startDevnetGuardians,
  startEvmDevnet,
  startSolanaDevnet,
} from '@xmargin/devnet';
