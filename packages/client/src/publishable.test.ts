import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { xmarginOperations } from './operations.js';

// @xmargin/client is published to npm: it and the workspace packages it depends on (errors, schemas,
// and theirs) must be publishable, expose only built files, and its README must list every route.

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface PackageJson {
  readonly name: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly files?: readonly string[];
  readonly exports: Record<string, Record<string, string>>;
  readonly publishConfig?: {
    readonly access?: string;
    readonly exports?: Record<string, Record<string, string>>;
  };
  readonly dependencies?: Record<string, string>;
}

const read = (dir: string) =>
  JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as PackageJson;

/** The client and every workspace package it depends on, transitively. */
function closure(): PackageJson[] {
  const seen = new Map<string, PackageJson>();
  const visit = (dir: string) => {
    const pkg = read(dir);
    if (seen.has(pkg.name)) return;
    seen.set(pkg.name, pkg);
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {}))
      if (range.startsWith('workspace:')) visit(dep.replace('@xmargin/', ''));
  };
  visit('client');
  return [...seen.values()];
}

describe('@xmargin/client is publishable', () => {
  it('depends only on publishable workspace packages: public, MIT, dist only, no source condition', () => {
    const pkgs = closure();
    expect(pkgs.map((p) => p.name).sort()).toEqual([
      '@xmargin/client',
      '@xmargin/core',
      '@xmargin/errors',
      '@xmargin/risk',
      '@xmargin/schemas',
    ]);
    for (const pkg of pkgs) {
      expect(pkg.private, pkg.name).toBeUndefined();
      expect(pkg.license, pkg.name).toBe('MIT');
      expect(pkg.files?.[0], pkg.name).toBe('dist');
      expect(pkg.publishConfig?.access, pkg.name).toBe('public');
      const published = pkg.publishConfig?.exports ?? {};
      expect(Object.keys(published), pkg.name).toEqual(Object.keys(pkg.exports));
      for (const [sub, conditions] of Object.entries(published)) {
        expect(conditions, `${pkg.name} ${sub}`).toEqual({
          types: pkg.exports[sub]?.types,
          default: pkg.exports[sub]?.default,
        });
        expect(conditions.default, `${pkg.name} ${sub}`).toMatch(/^\.\/dist\//);
      }
    }
  });

  it('its README names every route and the client method that calls it', () => {
    const readme = readFileSync(join(packagesDir, 'client', 'README.md'), 'utf8');
    const missing = Object.values(xmarginOperations)
      .filter((op) => !readme.includes(`| \`${op.method} ${op.path}\` | \`${op.client}\``))
      .map((op) => `${op.method} ${op.path}`);
    expect(missing).toEqual([]);
  });
});
