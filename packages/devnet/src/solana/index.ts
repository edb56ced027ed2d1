export type {
  DevnetChain,
  ExecuteResult,
  SignatureRecord,
  SlotRecord,
} from './devnet-chain.js';
export {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from './spl-instructions.js';
export {
  type CreateMintOptions,
  type CreateTokenAccountOptions,
  type SolanaDevnet,
  type SolanaTxResult,
  type StartSolanaDevnetOptions,
  startSolanaDevnet,
  type TokenProgram,
} from './start-solana-devnet.js';
