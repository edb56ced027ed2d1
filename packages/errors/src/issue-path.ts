/**
 * The one style of path in error contexts and messages, at every edge (HTTP, CLI, documents, env):
 * a JSONPath from the root `$`, e.g. `$.account.positions[0].quantity`, `$.prices["stETH-x"]`.
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^\d+$/.test(key)) out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
