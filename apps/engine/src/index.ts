export { createEngine, type Engine, type EngineConfig, type EngineRole } from './create-engine.js';
export { loadEnv } from './env.js';
