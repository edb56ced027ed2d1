import { xmarginProject } from '../../vitest.shared.js';

export default xmarginProject('ops');
