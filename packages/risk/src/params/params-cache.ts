import type { ParamsSpec, RiskParams } from '../types.js';

// Resolving a preset with overrides (deep merge, defaults, copies) costs microseconds, as much as
// margining a small account; every document of a book or a what-if search carries the same params.
// The same spec object hits the identity map; an equal one (same JSON) the bounded key map. Specs are
// treated as values: one mutated in place after use keeps its first resolution.
const byIdentity = new WeakMap<object, RiskParams>();
const byKey = new Map<string, RiskParams>();
const MAX_KEYS = 256;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** `resolve(spec)`, memoised by spec identity and by its JSON; the result is frozen. */
export function cachedParams(spec: ParamsSpec, resolve: (spec: ParamsSpec) => RiskParams): RiskParams {
  const hit = byIdentity.get(spec);
  if (hit) return hit;
  const key = JSON.stringify(spec);
  let params = byKey.get(key);
  if (!params) {
    params = deepFreeze(resolve(spec));
    if (byKey.size >= MAX_KEYS) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, params);
  }
  byIdentity.set(spec, params);
  return params;
}
