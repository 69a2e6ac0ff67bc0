/**
 * The programmatic API as a user's script meets it: the package imported by
 * its name (the built bundle), the README's examples run as they are written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { tempDir } from './helpers/cli.ts';
import { EXAMPLE_KIT, readTree } from './helpers/kit.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const api = (await import(`${ROOT}dist/api.js`)) as typeof import('../src/api.ts');

/** The README's ```js blocks under "Programmatic API", in order. */
function readmeExamples(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Programmatic API'), readme.indexOf('## Contributing'));
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** A folder where `import ... from 'create-fly-fastapi'` finds this package, with the example kit as ./acme-kit. */
function userFolder(): string {
  const cwd = tempDir('cff-api-');
  mkdirSync(join(cwd, 'node_modules'));
  symlinkSync(ROOT, join(cwd, 'node_modules', 'create-fly-fastapi'));
  cpSync(EXAMPLE_KIT, join(cwd, 'acme-kit'), { recursive: true });
  return cwd;
}

function runScript(cwd: string, source: string) {
  writeFileSync(join(cwd, 'example.mjs'), source);
  return spawnSync(process.execPath, ['example.mjs'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe("the README's examples", () => {
  const [first, second, third] = readmeExamples();

  it('create() with a kit: prints the kit, each file and each step; the project is on disk', () => {
    const cwd = userFolder();
    const run = runScript(cwd, first!);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines[0], `acme-fastapi 1.4.0 -> ${join(cwd, 'orders-api')}`);
    const written = [...readTree(join(cwd, 'orders-api')).keys()];
    assert.deepEqual(lines.slice(1, -4), written.map((path) => `created   ${path}`));
    assert.deepEqual(lines.slice(-4), ['write: done', 'lock: skipped', 'git: skipped', 'launch: skipped']);
    const fly = parse(readFileSync(join(cwd, 'orders-api', 'fly.toml'), 'utf8')) as { primary_region: string; vm: { size: string }[] };
    assert.equal(fly.primary_region, 'fra', 'the regions given beat the kit default');
    assert.equal(fly.vm[0]!.size, 'shared-cpu-2x', 'the kit lock holds');
  });

  it('an error carries the exit code the CLI would use', () => {
    const cwd = userFolder();
    const run = runScript(cwd, second!);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stderr.trim().split('\n'), ['--postgres none contradicts ./acme-kit/kit.toml [locked] postgres = managed', 'true 2']);
    assert.deepEqual(readTree(cwd).has('orders-api/fly.toml'), false);
  });

  it('the lower-level pieces plan without writing', () => {
    const cwd = userFolder();
    const run = runScript(cwd, third!);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /'\.create-fly-fastapi\/manifest\.json'/);
    assert.match(run.stdout, /'fly\.toml'/);
    assert.deepEqual([...readTree(cwd).keys()].filter((path) => !path.startsWith('acme-kit/') && !path.startsWith('node_modules')), ['example.mjs']);
  });
});

describe('create()', () => {
  it('a kit through the API: the report says where each answer came from, and what happened to each file', async () => {
    const directory = join(tempDir(), 'svc');
    const report = await api.create({ directory, kit: EXAMPLE_KIT, workflows: true, lock: false, git: false });
    assert.equal(report.directory, directory);
    assert.deepEqual(report.kit, { name: 'acme-fastapi', version: '1.4.0', source: EXAMPLE_KIT });
    assert.deepEqual(
      [report.origins.postgres, report.origins.vmSize, report.origins.regions, report.origins.scaling, report.origins.workflows, report.origins.vmMemory],
      ['kit-lock', 'kit-lock', 'kit-default', 'kit-default', 'flag', 'default'],
    );
    assert.deepEqual(report.options.regions, ['fra', 'ams']);
    assert.deepEqual(report.files.map((file) => file.path), [...readTree(directory).keys()]);
    assert.ok(report.files.every((file) => file.status === 'created'));
    assert.equal(report.exitCode, 0);

    // Again with force: nothing differs, so every file is reported identical and none rewritten.
    const again = await api.create({ directory, kit: EXAMPLE_KIT, workflows: true, lock: false, git: false, force: true });
    assert.deepEqual(again.files.map((file) => file.status), report.files.map(() => 'identical'));
  });

  it('errors are typed, with the exit code the CLI would use', async () => {
    const parent = tempDir();
    const bad = (input: Parameters<typeof api.create>[0]) => api.create({ lock: false, git: false, ...input });
    await assert.rejects(bad({ directory: join(parent, 'a'), regions: ['sea'] }), (error: Error & { exitCode: number }) => {
      assert.ok(error instanceof api.UsageError);
      assert.equal(error.exitCode, 2);
      assert.equal(error.message, "--regions: region 'sea' was retired by Fly.io; use 'sjc' instead");
      return true;
    });
    await assert.rejects(bad({ directory: join(parent, 'a'), scaling: 'sometimes' as never }), { name: 'UsageError', exitCode: 2, message: "scaling: 'sometimes' is not one of suspend, stop, warm, always-on" });
    await assert.rejects(bad({ directory: join(parent, 'a'), kit: join(parent, 'no-such-kit') }), { name: 'KitError', exitCode: 2 });
    mkdirSync(join(parent, 'full'));
    writeFileSync(join(parent, 'full', 'x.txt'), 'x');
    await assert.rejects(bad({ directory: join(parent, 'full'), yes: true } as never), { name: 'UsageError', message: 'yes: unknown option' });
    await assert.rejects(bad({ directory: join(parent, 'full') }), { name: 'TargetError', exitCode: 3 });
    assert.deepEqual([...readTree(parent).keys()], ['full/x.txt']);
  });
});
