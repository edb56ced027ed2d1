#!/usr/bin/env node
// Scaffolds a workspace package: node scripts/new-package.mjs packages/foo "What it is for"
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [dir, description = ''] = process.argv.slice(2);
if (!dir || !/^(apps|packages)\/[a-z0-9-]+$/.test(dir)) {
  process.stderr.write('usage: node scripts/new-package.mjs apps|packages/NAME "description"\n');
  process.exit(2);
}
const name = basename(dir);
if (existsSync(join(dir, 'package.json'))) {
  process.stderr.write(`${dir} already exists\n`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });
const pkg = {
  name: `@xmargin/${name}`,
  version: '0.1.0',
  private: true,
  type: 'module',
  description,
  exports: { '.': { source: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } },
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc --noEmit',
    test: 'vitest run',
    lint: 'biome check .',
  },
  dependencies: {},
};
const w = (f, s) => writeFileSync(join(dir, f), s);
w('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
w(
  'tsconfig.json',
  '{ "extends": "../../tsconfig.base.json", "compilerOptions": { "noEmit": true }, "include": ["src", "test", "*.ts"] }\n',
);
w(
  'tsconfig.build.json',
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: false, outDir: 'dist', rootDir: 'src' },
      include: ['src'],
      exclude: ['src/**/*.test.ts', 'src/**/*.bench.ts'],
    },
    null,
    2,
  )}\n`,
);
w(
  'vitest.config.ts',
  `import { xmarginProject } from '../../vitest.shared.js';\n\nexport default xmarginProject('${name}');\n`,
);
if (!existsSync(join(dir, 'src/index.ts'))) w('src/index.ts', 'export {};\n');
process.stdout.write(`created ${dir}\n`);
