import { afterEach, vi } from 'vitest';

// A stray console.* in library code is a defect: collect the calls and fail the test that made them.
const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const calls: string[] = [];
for (const m of methods) {
  vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
    calls.push(`console.${m}(${args.map((a) => String(a)).join(', ')})`);
  });
}

afterEach(() => {
  if (calls.length > 0) {
    const made = calls.splice(0, calls.length);
    throw new Error(`unexpected console output:\n${made.join('\n')}`);
  }
});
