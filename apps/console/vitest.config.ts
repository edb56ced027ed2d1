import { xmarginProject } from '../../vitest.shared.js';

export default xmarginProject('console', { include: ['src/**/*.test.ts'] });
