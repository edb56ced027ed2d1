import { defineConfig } from 'vitest/config';

// One Vitest run covers every workspace project, so `pnpm test` prints one summary.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'test'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/out/vitest.json' }]] : ['default'],
  },
});
