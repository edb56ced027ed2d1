export { type EngineEnv, engineEnv } from './engine-env.js';
