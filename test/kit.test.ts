/**
 * Starter kits through the built CLI: the example kit applied from a folder,
 * from a tarball and from a package on a real npm registry, each result
 * checked file by file against the same project made without the kit.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { runCli, tempDir } from './helpers/cli.ts';
import { EXAMPLE_KIT, readTree } from './helpers/kit.ts';
import { startRegistry, type Registry } from './helpers/registry.ts';

const RUN = ['--no-lock', '--no-git', '--no-launch'];
/** What the example kit sets, spelled as flags: the project it must differ from only where the kit says. */
const SAME_AS_KIT = ['--postgres', 'managed', '--vm-size', 'shared-cpu-2x', '--regions', 'fra,ams', '--scaling', 'warm', '--min-machines', '2'];
const RECORD = '.create-fly-fastapi/manifest.json';

type Tree = Map<string, string>;

function generate(args: string[], env?: NodeJS.ProcessEnv): Tree {
  const cwd = tempDir();
  const run = runCli(['svc', ...args], { cwd, env });
  assert.equal(run.status, 0, run.stderr);
  return readTree(join(cwd, 'svc'));
}

const withoutKit = generate([...SAME_AS_KIT, '--workflows', ...RUN]);

function pyprojectDeps(text: string): { dependencies: string[]; dev: string[]; rest: unknown } {
  const { project, 'dependency-groups': groups, ...rest } = parse(text) as { project: { dependencies: string[] }; 'dependency-groups': { dev: string[] } };
  return { dependencies: project.dependencies, dev: groups.dev, rest: { ...rest, project: { ...project, dependencies: undefined } } };
}

/** The kit's project against the same options without a kit: each file is ours unchanged, or changed exactly as the kit says. */
function assertExampleKitApplied(tree: Tree, spec: string, kind: string): void {
  const paths = [...tree.keys()];
  const ours = [...withoutKit.keys()];
  assert.deepEqual(paths.filter((path) => !withoutKit.has(path)), ['.github/CODEOWNERS', '.github/workflows/acme-deploy.yml', 'docs/platform.md'], 'the files the kit adds');
  assert.deepEqual(ours.filter((path) => !tree.has(path)), ['.github/workflows/fly-deploy.yml'], 'the file the kit removes');
  const changed = paths.filter((path) => withoutKit.has(path) && withoutKit.get(path) !== tree.get(path));
  assert.deepEqual(changed, [RECORD, '.github/workflows/ci.yml', 'fly.toml', 'pyproject.toml', 'README.md'], 'the files that differ');

  // Added and replaced files: rendered with the project's data.
  assert.equal(
    tree.get('.github/CODEOWNERS'),
    '# svc: the service team owns the code; the platform team reviews how it runs.\n*                 @acme/svc\n/Dockerfile       @acme/platform\n/fly.toml         @acme/platform\n/.github/         @acme/platform\n',
  );
  assert.match(tree.get('.github/workflows/acme-deploy.yml')!, /^# Deploys svc through Acme's release pipeline/);
  assert.match(tree.get('.github/workflows/acme-deploy.yml')!, /app: svc\n {6}primary-region: fra\n/);
  assert.match(tree.get('.github/workflows/ci.yml')!, /^# Acme's CI for svc: on Acme's own runners/);
  assert.match(tree.get('.github/workflows/ci.yml')!, /python-version: "3\.14"[\s\S]*uv run mypy app[\s\S]*uv run alembic upgrade head/);
  const platform = tree.get('docs/platform.md')!;
  assert.match(platform, /^Created from the acme-fastapi 1\.4\.0 starter kit with create-fly-fastapi \d+\.\d+\.\d+\.$/m);
  for (const row of ['| primary region | fra |', '| regions | fra, ams |', '| Python | 3.14 |', '| Postgres | managed |', '| Machines | shared-cpu-2x, 512mb, scaling: warm |']) {
    assert.ok(platform.includes(row), row);
  }

  // fly.toml: ours, plus the kit's [env]; the recreate line carries --kit.
  // As a shell would need it: the recreate command is meant to be pasted.
  const quoted = /^[\w@%+=:,./-]+$/.test(spec) ? spec : `'${spec}'`;
  const rerun = (text: string) => text.replaceAll('svc -- --name svc', `svc -- --kit ${quoted} --name svc`);
  const fly = parse(tree.get('fly.toml')!) as { env: Record<string, string> };
  const plainFly = parse(withoutKit.get('fly.toml')!) as { env: Record<string, string> };
  assert.deepEqual({ ...fly.env }, { ...plainFly.env, LOG_FORMAT: 'json', ACME_TEAM_CHANNEL: '#platform' });
  assert.deepEqual({ ...fly, env: undefined }, { ...plainFly, env: undefined });
  assert.equal(tree.get('fly.toml'), rerun(withoutKit.get('fly.toml')!).replace('[env]\nFORWARDED_ALLOW_IPS = "*"\n', '[env]\nFORWARDED_ALLOW_IPS = "*"\nLOG_FORMAT = "json"\nACME_TEAM_CHANNEL = "#platform"\n'));

  // pyproject.toml: ours plus the kit's dependencies; README: only the recreate command differs.
  const deps = pyprojectDeps(tree.get('pyproject.toml')!);
  const plainDeps = pyprojectDeps(withoutKit.get('pyproject.toml')!);
  assert.deepEqual(deps.dependencies, [...plainDeps.dependencies, 'structlog>=24.1']);
  assert.deepEqual(deps.dev, [...plainDeps.dev, 'mypy>=1.15']);
  assert.deepEqual(deps.rest, plainDeps.rest);
  assert.equal(tree.get('README.md'), rerun(withoutKit.get('README.md')!));

  // The record: which kit, from where, and where each answer came from.
  const record = JSON.parse(tree.get(RECORD)!);
  const plainRecord = JSON.parse(withoutKit.get(RECORD)!);
  assert.equal(record.format, 2);
  assert.deepEqual(record.kit, { name: 'acme-fastapi', version: '1.4.0', source: spec, kind });
  assert.deepEqual(record.answers, plainRecord.answers);
  assert.deepEqual(record.origins, {
    name: 'default',
    postgres: 'kit-lock',
    scaling: 'kit-default',
    minMachines: 'kit-default',
    regions: 'kit-default',
    python: 'default',
    vmSize: 'kit-lock',
    vmMemory: 'default',
    workflows: 'flag',
    launch: 'flag',
    org: 'default',
    git: 'flag',
    lock: 'flag',
  });
  assert.equal(record.files['.github/workflows/ci.yml'].owner, 'kit');
  assert.equal(record.files['docs/platform.md'].owner, 'kit');
  assert.equal(record.files['Dockerfile'].owner, 'create-fly-fastapi');
  assert.equal(record.files['.github/workflows/fly-deploy.yml'], undefined);
}

describe('the example kit, applied without a terminal', () => {
  it('from a folder: kit defaults answer the questions no flag answers, no --yes needed', () => {
    assertExampleKitApplied(generate(['--kit', EXAMPLE_KIT, '--workflows', ...RUN]), EXAMPLE_KIT, 'directory');
  });

  it('from a tarball made by npm pack', () => {
    const dir = tempDir('cff-pack-');
    const [packed] = JSON.parse(execFileSync('npm', ['pack', EXAMPLE_KIT, '--json', '--ignore-scripts', '--pack-destination', dir], { encoding: 'utf8' })) as { filename: string }[];
    const tarball = join(dir, packed!.filename.replace(/^@/, '').replace('/', '-'));
    assertExampleKitApplied(generate(['--kit', tarball, '--workflows', ...RUN]), tarball, 'tarball');
  });

  describe('from a package on an npm registry', { timeout: 120_000 }, () => {
    let registry: Registry;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      registry = await startRegistry();
      env = { NPM_CONFIG_USERCONFIG: registry.userconfig, npm_config_cache: tempDir('cff-npm-cache-') };
      execFileSync('npm', ['publish', EXAMPLE_KIT, '--ignore-scripts'], { env: { ...process.env, ...env }, stdio: 'pipe' });
    });
    after(async () => registry?.stop());

    it('named with a range, fetched with the user npm configuration', () => {
      assertExampleKitApplied(generate(['--kit', '@acme/fly-kit@^1', '--workflows', ...RUN], env), '@acme/fly-kit@^1', 'npm');
    });

    it("a scope's registry from the project's .npmrc, where the command runs", () => {
      const cwd = tempDir();
      writeFileSync(join(cwd, '.npmrc'), `@acme:registry=${registry.url}\n`);
      const empty = join(tempDir(), 'npmrc');
      writeFileSync(empty, '');
      // The user's own npmrc says nothing: only the project's names the registry.
      const run = runCli(['svc', '--kit', '@acme/fly-kit', '--workflows', ...RUN], { cwd, env: { ...env, NPM_CONFIG_USERCONFIG: empty } });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(JSON.parse(readFileSync(join(cwd, 'svc', RECORD), 'utf8')).kit.version, '1.4.0');
    });

    it('a version the registry does not have: exit 2 with npm reason, nothing written', () => {
      const cwd = tempDir();
      const run = runCli(['svc', '--kit', '@acme/fly-kit@^2', '--workflows', ...RUN], { cwd, env });
      assert.equal(run.status, 2);
      assert.match(run.stderr.trim(), /^create-fly-fastapi: --kit: cannot fetch @acme\/fly-kit@\^2 with npm: npm error notarget No matching version found for @acme\/fly-kit@\^2\.$/);
      assert.equal(run.stderr.trim().split('\n').length, 1);
      assert.deepEqual(readTree(cwd), new Map());
    });
  });

  it('--dry-run with a kit lists its files and the record, and writes nothing', () => {
    const cwd = tempDir();
    const run = runCli(['svc', '--kit', EXAMPLE_KIT, '--workflows', '--dry-run', ...RUN], { cwd });
    assert.equal(run.status, 0, run.stderr);
    for (const path of ['.github/CODEOWNERS', 'docs/platform.md', RECORD]) assert.match(run.stdout, new RegExp(`^  ${path.replaceAll('.', '\\.')} +\\d+ B$`, 'm'));
    assert.doesNotMatch(run.stdout, /fly-deploy\.yml/);
    assert.deepEqual(readTree(cwd), new Map());
  });

  it('a flag beats a kit default, and the answer is recorded as the flag', () => {
    const tree = generate(['--kit', EXAMPLE_KIT, '--workflows', '--scaling', 'always-on', '--regions', 'lhr', ...RUN]);
    const record = JSON.parse(tree.get(RECORD)!);
    assert.deepEqual([record.answers.scaling, record.answers.regions, record.origins.scaling, record.origins.regions], ['always-on', ['lhr'], 'flag', 'flag']);
    assert.equal(record.answers.postgres, 'managed');
  });

  it('a kit file that renders to nothing is left out: with --no-workflows, no kit workflows', () => {
    const tree = generate(['--kit', EXAMPLE_KIT, '--no-workflows', ...RUN]);
    assert.deepEqual([...tree.keys()].filter((path) => path.startsWith('.github/')), ['.github/CODEOWNERS']);
  });

  it('the example kit is a package that npm can pack: kit.toml and files/, nothing to run', () => {
    const manifest = JSON.parse(readFileSync(join(EXAMPLE_KIT, 'package.json'), 'utf8'));
    assert.equal(manifest.scripts, undefined);
    const [packed] = JSON.parse(execFileSync('npm', ['pack', EXAMPLE_KIT, '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' })) as { files: { path: string }[] }[];
    assert.deepEqual(packed!.files.map((file) => file.path).sort(), [
      'files/_github/CODEOWNERS.hbs',
      'files/_github/workflows/acme-deploy.yml.hbs',
      'files/_github/workflows/ci.yml.hbs',
      'files/docs/platform.md.hbs',
      'kit.toml',
      'package.json',
    ]);
  });
});
