export { type EngineEnv, engineEnv, type IndexNetwork, indexNetwork } from './engine-env.js';
