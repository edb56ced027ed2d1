import { xmarginProject } from '../vitest.shared.js';

export default xmarginProject('e2e', { include: ['src/**/*.test.ts'], testTimeout: 120_000 });
