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

  it('ships the bundle and the types; the templates travel inside the bundle', async () => {
    for (const path of ['index.js', 'dist/cli.js', 'dist/api.js', 'dist/api.d.ts', 'dist/types/api.d.ts', 'dist/types/runs/create.d.ts', 'dist/types/kit/types.d.ts']) {
      assert.ok(files.includes(path), `${path} is packed`);
    }
    assert.ok(!files.some((path) => /^(src|test|templates)\//.test(path)), 'sources, tests and template sources stay out');
    const bundle = (await import(`${root}dist/api.js`)) as typeof import('../src/api.ts');
    assert.equal(typeof bundle.create, 'function', 'the one-call API is exported');
    const embedded = await bundle.loadTemplates();
    for (const key of ['base/_gitignore', 'base/_dockerignore', 'workflows/_github/workflows/ci.yml.hbs']) assert.ok(embedded.has(key), `${key} is in the bundle`);
  });

  it('exports the names test/fixtures/api-surface.txt lists, values and types, and no others', async () => {
    // @ts-expect-error: a plain .mjs script, without declarations.
    const { apiSurface } = (await import('../scripts/api-surface.mjs')) as { apiSurface: (root: string) => Promise<string> };
    assert.equal(await apiSurface(root), readFileSync(`${root}test/fixtures/api-surface.txt`, 'utf8'), 'a change to the public surface updates the fixture on purpose');
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

describe('the bundle', () => {
  it('renders from its precompiled templates exactly what the sources render from templates/', async () => {
    const bundle = (await import(`${root}dist/api.js`)) as typeof import('../src/api.ts');
    const source = await import('../src/api.ts');
    const [embedded, fromDisk] = await Promise.all([bundle.loadTemplates(), source.loadTemplates()]);
    assert.deepEqual([...embedded.keys()], [...fromDisk.keys()], 'the same template files');
    const env = { hasGit: true, hasUv: true, insideGitRepo: false };
    const variants: Partial<import('../src/api.ts').ProjectOptions>[] = [
      { directory: 'a', postgres: 'none', scaling: 'always-on', regions: ['fra'], workflows: false },
      { directory: 'b', postgres: 'managed', scaling: 'warm', minMachines: 2, regions: ['iad', 'lhr', 'syd'] },
      { directory: 'c', postgres: 'unmanaged', scaling: 'stop', regions: ['jnb', 'ams'], python: '3.12' },
      { directory: 'd', postgres: 'external', scaling: 'suspend', regions: ['sin'] },
    ];
    for (const given of variants) {
      const options = await source.resolveOptions(given, { env, yes: true });
      const settings = { generatorVersion: '1.2.3' };
      assert.deepEqual(bundle.planProject(options, embedded, settings).files, source.planProject(options, fromDisk, settings).files, String(given.directory));
    }
  });
});
