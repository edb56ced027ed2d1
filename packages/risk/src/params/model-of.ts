import { presets } from '../presets/index.js';
import type { ModelName, ParamsSpec } from '../types.js';

/** The model a `params` spec selects, without resolving it: its own `model`, else its preset's. */
export function modelOf(spec: ParamsSpec): ModelName {
  if ('preset' in spec && typeof spec.preset === 'string') return presets[spec.preset]?.model ?? 'pmrm-1';
  return (spec as { model?: ModelName | undefined }).model ?? 'pmrm-1';
}
