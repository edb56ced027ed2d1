export { classifyRpcError, type RpcErrorContext } from './classify-rpc-error.js';
export {
  MAX_BATCH_SIZE,
  type RegisteredTokenAccount,
  type SolanaAccountRegistration,
  type SolanaCollateralSourceConfig,
  type SolanaMintConfig,
} from './config.js';
export {
  createSolanaCollateralSource,
  type SolanaCollateralSource,
  type SolanaPollResult,
} from './create-solana-collateral-source.js';
export {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  associatedTokenAddress,
  createSolanaEscrowClient,
  escrowAddress,
  escrowAuthority,
  initializeAccount3,
  type OpenedEscrow,
  type SentTransfer,
  type SolanaEscrowClient,
  type SolanaEscrowClientConfig,
  transferChecked,
} from './escrow.js';
export {
  type DecodedTokenAccount,
  type DecodeResult,
  decodeTokenAccount,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_ACCOUNT_LAYOUT,
  TOKEN_PROGRAM_ID,
  type TokenProgramName,
} from './token-account.js';
