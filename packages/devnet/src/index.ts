export { type Devnet, type DevnetGuardiansOptions, type DevnetOptions, startDevnet } from './devnet.js';
export {
  DEVNET_FORCED_WITHDRAWAL_DELAY,
  DEVNET_SETTLEMENT_PRIVATE_KEY,
  type DeployedContracts,
  type DevnetAuthorisation,
  type DevnetToken,
  type DevnetTokenRef,
  type DevnetTokenSpec,
  type DevnetTx,
  defaultDevnetTokens,
  type EvmDevnet,
  type EvmDevnetOptions,
  type SignAuthorisationParameters,
  type SignedAuthorisation,
  startEvmDevnet,
} from './evm/index.js';
export {
  type DevnetGuardians,
  type GuardianEvmChain,
  type ObservedMessage,
  type QueryReply,
  type StartDevnetGuardiansOptions,
  startDevnetGuardians,
} from './guardians/index.js';
export {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  type CreateMintOptions,
  type CreateTokenAccountOptions,
  type SolanaDevnet,
  type SolanaTxResult,
  type StartSolanaDevnetOptions,
  startSolanaDevnet,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  type TokenProgram,
} from './solana/index.js';
