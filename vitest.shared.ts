import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const setup = fileURLToPath(new URL('./scripts/vitest.setup.ts', import.meta.url));

/**
 * Project config shared by every package: resolves workspace packages through their `source`
 * export condition (no build step) and fails any test that writes to the console.
 */
export function xmarginProject(name: string, test: UserWorkspaceConfig['test'] = {}): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ['source', 'module', 'node', 'default'] },
    ssr: { resolve: { conditions: ['source', 'module', 'node', 'default'], externalConditions: ['source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [setup],
      testTimeout: 20_000,
      hookTimeout: 60_000,
      ...test,
    },
  });
}
