export {
  type EngineEnv,
  engineEnv,
  evmIndexNetwork,
  type IndexNetwork,
  indexNetwork,
  solanaIndexNetwork,
} from './engine-env.js';
