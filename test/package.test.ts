import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('..', import.meta.url).pathname;

interface PackResult {
  size: number;
  files: { path: string }[];
}

describe('the published package', () => {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as PackResult[];
  const files = pack!.files.map((file) => file.path);

  it('ships the bundle, the types and every template, dotfiles included', () => {
    for (const path of ['index.js', 'dist/cli.js', 'dist/api.js', 'dist/api.d.ts', 'dist/types/api.d.ts', 'templates/base/_gitignore', 'templates/base/_dockerignore', 'templates/workflows/_github/workflows/ci.yml.hbs']) {
      assert.ok(files.includes(path), `${path} is packed`);
    }
    assert.ok(!files.some((path) => path.startsWith('src/') || path.startsWith('test/')), 'sources and tests stay out');
    assert.ok(!files.some((path) => /(^|\/)\.gitignore$/.test(path)), 'no .gitignore: npm would drop it');
  });

  it('has no runtime dependencies: npm create downloads one tarball', () => {
    const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual(manifest.bin, { 'create-fly-fastapi': 'index.js' });
  });

  it('declares its types without reaching into dev dependencies', () => {
    for (const path of files.filter((file) => file.endsWith('.d.ts'))) {
      const text = readFileSync(`${root}${path}`, 'utf8');
      assert.doesNotMatch(text, /from '(?!\.)[^']+'/, `${path} imports a package`);
    }
  });
});
