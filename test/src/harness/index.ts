export { type EngineProcess, type EngineProcessOptions, startEngineProcess } from './engine-process.js';
export { freePort } from './free-port.js';
export { linkEvmAddress, linkSolanaAddress } from './link-address.js';
export { type MarginStream, openMarginStream, type StreamEvent } from './margin-stream.js';
export { baseLevels, type DemoMarketLevels, demoExpiry, demoMarketData } from './market.js';
export { deleteRedisPrefix, pingRedis, type RedisServer, startRedisServer } from './redis-server.js';
export {
  type RelayerProcess,
  type RelayerProcessOptions,
  type RelayerQueryTarget,
  startRelayerProcess,
} from './relayer-process.js';
export { repoRoot } from './repo-root.js';
export { requestWithdrawal, type WithdrawalAnswer } from './request-withdrawal.js';
export { type SeedAccountSpec, type SeededAccount, type SeedPosition, seedAccount } from './seed-account.js';
export { type ServiceProcess, type ServiceProcessOptions, startServiceProcess } from './service-process.js';
export { type AuthorisationJson, signedAuthorisation } from './signed-authorisation.js';
export {
  type Stack,
  type StackOptions,
  type StackRelayerOptions,
  startStack,
  WORMHOLE_CHAIN,
} from './stack.js';
export { type WaitForOptions, waitFor } from './wait-for.js';
export { type MarginSnapshot, waitForMargin } from './wait-for-margin.js';
