// Test-only: compares JSON results number by number (the fixture's tolerance).

/** Every number at relative 1e-9 (absolute 1e-9 at 0); every other value, key and length exactly. */
export function compareFigures(actual: unknown, expected: unknown, path: string, problems: string[]): void {
  if (typeof expected === 'number') {
    const ok =
      typeof actual === 'number' &&
      (expected === 0 ? Math.abs(actual) <= 1e-9 : Math.abs(actual - expected) <= 1e-9 * Math.abs(expected));
    if (!ok) problems.push(`${path}: ${String(actual)} != ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      problems.push(`${path}: length ${Array.isArray(actual) ? actual.length : 'n/a'} != ${expected.length}`);
      return;
    }
    expected.forEach((e, i) => {
      compareFigures(actual[i], e, `${path}[${i}]`, problems);
    });
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      problems.push(`${path}: not an object`);
      return;
    }
    const a = actual as Record<string, unknown>;
    const keys = Object.keys(expected).sort();
    if (JSON.stringify(Object.keys(a).sort()) !== JSON.stringify(keys)) {
      problems.push(`${path}: keys ${Object.keys(a).sort().join(',')} != ${keys.join(',')}`);
    }
    for (const k of keys)
      compareFigures(a[k], (expected as Record<string, unknown>)[k], `${path}.${k}`, problems);
    return;
  }
  if (actual !== expected) problems.push(`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
}
