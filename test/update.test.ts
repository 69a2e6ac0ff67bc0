/**
 * --update as a user lives through it, with the built CLI: edits survive,
 * conflicts are never written over, a no-edit update is a fresh generation,
 * and a project from release 0.1.0 comes along.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir } from './helpers/cli.ts';
import { changedPaths, treeHashes } from './helpers/tree.ts';

const ENV = { PATH: `${join(homedir(), '.local/bin')}:${process.env.PATH}` };
const BASE_FLAGS = ['--yes', '--no-git', '--no-lock', '--no-interactive'];
const RECORD = '.create-fly-fastapi/manifest.json';
const FIXTURES = new URL('./fixtures/release-0.1.0/', import.meta.url).pathname;

function git(dir: string, ...args: string[]): void {
  const result = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
}

function commitAll(dir: string, message = 'edit'): void {
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--allow-empty', '-m', message);
}

/** Generates `app` in a new folder and commits it; returns the project's path. */
function generate(flags: string[] = [], name = 'app'): string {
  const root = tempDir('cff-update-');
  const run = runCli([name, ...BASE_FLAGS, ...flags], { cwd: root, env: ENV });
  assert.equal(run.status, 0, run.stderr);
  const dir = join(root, name);
  git(dir, 'init', '--quiet', '--initial-branch=main');
  commitAll(dir, 'v1');
  return dir;
}

function fresh(flags: string[], name = 'app'): string {
  const root = tempDir('cff-fresh-');
  const run = runCli([name, ...BASE_FLAGS, ...flags], { cwd: root, env: ENV });
  assert.equal(run.status, 0, run.stderr);
  return join(root, name);
}

function updateIn(dir: string, flags: string[]) {
  return runCli(['--update', '--no-interactive', ...flags], { cwd: dir, env: ENV });
}

function jsonUpdate(dir: string, flags: string[]) {
  const run = updateIn(dir, ['--json', ...flags]);
  return { ...run, report: JSON.parse(run.stdout) as { files: { path: string; status: string; resolution?: string }[]; written: boolean; dependencies: { command: string[]; ok?: boolean }[] } };
}

const statusOf = (report: { files: { path: string; status: string }[] }, path: string) => report.files.find((file) => file.path === path)?.status;
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const notRecord = (path: string) => path.startsWith('.git/') || path === RECORD;

describe('--update, your edits and ours', () => {
  it('keeps an edited seed, merges fly.toml, and a second run writes nothing', () => {
    const dir = generate();
    appendFileSync(join(dir, 'app/main.py'), '\n# my route goes here\n');
    appendFileSync(join(dir, 'fly.toml'), '\n[[statics]]\nguest_path = "/app/public"\nurl_prefix = "/static"\n');
    commitAll(dir);
    const mainBefore = read(dir, 'app/main.py');

    const first = jsonUpdate(dir, ['--scaling', 'always-on', '--regions', 'iad,lhr']);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(read(dir, 'app/main.py'), mainBefore);
    assert.equal(statusOf(first.report, 'app/main.py'), 'kept');
    assert.equal(statusOf(first.report, 'fly.toml'), 'merged');
    const fly = read(dir, 'fly.toml');
    assert.match(fly, /auto_stop_machines = "off"/);
    assert.match(fly, /\[\[statics\]\]\nguest_path = "\/app\/public"/);
    commitAll(dir, 'update');

    const before = treeHashes(dir);
    const second = jsonUpdate(dir, ['--scaling', 'always-on', '--regions', 'iad,lhr']);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.report.written, false);
    assert.deepEqual(changedPaths(before, treeHashes(dir)), []);
    // Without the flags the answers come from the record, recorded as they were: still nothing to write.
    const bare = jsonUpdate(dir, []);
    assert.equal(bare.status, 0, bare.stderr);
    assert.equal(bare.report.written, false);
    assert.deepEqual(changedPaths(before, treeHashes(dir)), []);
  });

  it('a hand-set auto_stop_machines the update would change is a conflict, resolved as --on-conflict says', () => {
    const v1 = generate();
    const edited = read(v1, 'fly.toml').replace('auto_stop_machines = "suspend"', 'auto_stop_machines = "stop"');
    writeFileSync(join(v1, 'fly.toml'), edited);
    commitAll(v1);
    const wanted = read(fresh(['--scaling', 'always-on']), 'fly.toml');
    const modes: [string[], (dir: string) => void, number][] = [
      [[], (dir) => assert.equal(read(dir, 'fly.toml.new'), wanted), 5],
      [['--on-conflict', 'new-file'], (dir) => assert.equal(read(dir, 'fly.toml.new'), wanted), 5],
      [['--on-conflict', 'keep'], (dir) => assert.equal(existsSync(join(dir, 'fly.toml.new')), false), 5],
      [['--on-conflict', 'markers'], (dir) => assert.match(read(dir, 'fly.toml'), /<<<<<<< yours\n[^]*auto_stop_machines = "stop"[^]*=======\n[^]*auto_stop_machines = "off"[^]*>>>>>>> new/), 5],
      [['--on-conflict', 'overwrite'], (dir) => (assert.equal(read(dir, 'fly.toml'), wanted), assert.equal(read(dir, 'fly.toml.bak'), edited)), 0],
    ];
    for (const [flags, check, code] of modes) {
      const dir = join(tempDir('cff-conflict-'), 'app');
      cpSync(v1, dir, { recursive: true });
      const run = jsonUpdate(dir, ['--scaling', 'always-on', ...flags]);
      assert.equal(run.status, code, `${flags.join(' ')}: ${run.stderr}`);
      assert.equal(statusOf(run.report, 'fly.toml'), 'conflict');
      if (code === 5) assert.equal(flags.includes('--on-conflict') && flags.includes('markers') ? read(dir, 'fly.toml') !== edited : read(dir, 'fly.toml') === edited, true, flags.join(' '));
      check(dir);
    }
  });
});

describe('--update with no edits is a fresh generation', () => {
  // `same` is the fresh generation's flags where they are not simply from + change.
  const MATRIX: { from: string[]; change: string[]; same?: string[] }[] = [
    { from: [], change: ['--postgres', 'none'] },
    { from: ['--no-postgres'], change: ['--postgres', 'managed'], same: ['--postgres', 'managed'] },
    { from: [], change: ['--regions', 'iad,lhr', '--scaling', 'warm', '--min-machines', '2'] },
    { from: ['--regions', 'iad,lhr'], change: ['--regions', 'iad', '--postgres', 'unmanaged'], same: ['--regions', 'iad', '--postgres', 'unmanaged'] },
    { from: [], change: ['--python', '3.12', '--no-workflows', '--vm-size', 'shared-cpu-2x'] },
  ];
  for (const { from, change, same } of MATRIX) {
    it(`${from.join(' ') || 'defaults'} -> ${change.join(' ')}`, () => {
      const dir = generate(from);
      const run = updateIn(dir, change);
      assert.equal(run.status, 0, run.stderr);
      const expected = treeHashes(fresh(same ?? [...from, ...change]), notRecord);
      assert.deepEqual([...treeHashes(dir, notRecord)], [...expected]);
    });
  }
});

describe('--update, files and line endings', () => {
  it('a file you deleted stays deleted over two updates', () => {
    const dir = generate();
    rmSync(join(dir, '.dockerignore'));
    rmSync(join(dir, 'tests/test_items.py'));
    commitAll(dir);
    for (const flags of [['--scaling', 'stop'], ['--scaling', 'always-on']]) {
      const run = jsonUpdate(dir, flags);
      assert.equal(run.status, 0, run.stderr);
      for (const path of ['.dockerignore', 'tests/test_items.py']) {
        assert.equal(existsSync(join(dir, path)), false, path);
        assert.equal(statusOf(run.report, path), 'deleted by you');
      }
      commitAll(dir);
    }
  });

  it('CRLF line endings are not an edit', () => {
    const dir = generate();
    for (const path of ['fly.toml', 'Dockerfile', 'app/main.py']) writeFileSync(join(dir, path), read(dir, path).replace(/\n/g, '\r\n'));
    commitAll(dir);
    const run = jsonUpdate(dir, ['--scaling', 'always-on']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(statusOf(run.report, 'fly.toml'), 'updated');
    assert.equal(statusOf(run.report, 'Dockerfile'), 'identical');
    assert.equal(read(dir, 'fly.toml'), read(fresh(['--scaling', 'always-on']), 'fly.toml').replace(/\n/g, '\r\n'));
  });

  it('dependencies of an edited pyproject.toml go through uv, keeping its comments', () => {
    // The one Python this machine has, so uv needs no download (--frozen: no uv.lock to keep in step).
    const dir = generate(['--no-postgres', '--python', '3.11']);
    writeFileSync(join(dir, 'pyproject.toml'), `# my notes\n${read(dir, 'pyproject.toml')}`);
    commitAll(dir);
    const run = jsonUpdate(dir, ['--postgres', 'managed']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(statusOf(run.report, 'pyproject.toml'), 'kept');
    assert.ok(run.report.dependencies.length > 0 && run.report.dependencies.every((entry) => entry.ok), JSON.stringify(run.report.dependencies));
    const pyproject = read(dir, 'pyproject.toml');
    assert.match(pyproject, /^# my notes\n/);
    assert.match(pyproject, /psycopg/);
    assert.match(pyproject, /alembic/);
  });
});

describe('--update refuses, checks and dry-runs', () => {
  it('a record from a newer generator: exit 6, nothing written', () => {
    const dir = generate();
    const record = JSON.parse(read(dir, RECORD));
    record.generator.version = '9.0.0';
    writeFileSync(join(dir, RECORD), JSON.stringify(record));
    commitAll(dir);
    const before = treeHashes(dir);
    const run = updateIn(dir, ['--scaling', 'stop']);
    assert.equal(run.status, 6);
    assert.match(run.stderr, /^create-fly-fastapi: \. was generated by create-fly-fastapi 9\.0\.0, newer than this/);
    assert.deepEqual(changedPaths(before, treeHashes(dir)), []);
  });

  it('uncommitted changes in a file it would touch: exit 6, unless --allow-dirty', () => {
    const dir = generate();
    appendFileSync(join(dir, 'fly.toml'), '\n# not committed\n');
    const run = updateIn(dir, ['--scaling', 'stop']);
    assert.equal(run.status, 6);
    assert.match(run.stderr, /uncommitted changes in fly\.toml/);
    assert.equal(updateIn(dir, ['--scaling', 'stop', '--allow-dirty']).status, 0);
    assert.match(read(dir, 'fly.toml'), /auto_stop_machines = "stop"[^]*# not committed/);
  });

  it('where nothing was generated: exit 3, pointing at --adopt', () => {
    const run = updateIn(tempDir(), []);
    assert.equal(run.status, 3);
    assert.match(run.stderr, /use --adopt/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  it('--check exits 7 when something would change and 0 when not; --dry-run writes nothing', () => {
    const dir = generate();
    const before = treeHashes(dir);
    assert.equal(updateIn(dir, ['--check']).status, 0);
    assert.equal(updateIn(dir, ['--check', '--scaling', 'stop']).status, 7);
    const dry = updateIn(dir, ['--dry-run', '--scaling', 'stop']);
    assert.equal(dry.status, 0);
    assert.match(dry.stdout, /updated\s+fly\.toml/);
    assert.deepEqual(changedPaths(before, treeHashes(dir)), []);
  });

  it('update-only flags without --update are refused', () => {
    const run = runCli(['x', '--yes', '--on-conflict', 'keep'], { cwd: tempDir() });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--on-conflict: applies only with --update/);
  });
});

describe('--update with a starter kit', () => {
  const EXAMPLE = new URL('../examples/acme-kit/', import.meta.url).pathname;
  /** A copy of the example kit, so the test can change its version and range. */
  function kitCopy(): string {
    const kit = join(tempDir('cff-kit-'), 'acme-kit');
    cpSync(EXAMPLE, kit, { recursive: true });
    return kit;
  }
  const setKit = (kit: string, from: RegExp, to: string) => writeFileSync(join(kit, 'kit.toml'), read(kit, 'kit.toml').replace(from, to));

  it('reads the kit the record names again; its files stay the kit\'s', () => {
    const kit = kitCopy();
    const dir = generate(['--kit', kit, '--python', '3.11']);
    const run = jsonUpdate(dir, ['--scaling', 'stop']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(read(dir, RECORD)).kit.source, kit);
    assert.match(read(dir, 'fly.toml'), /auto_stop_machines = "stop"/);
    assert.deepEqual([...treeHashes(dir, notRecord)], [...treeHashes(fresh(['--kit', kit, '--python', '3.11', '--scaling', 'stop']), notRecord)]);
  });

  it('refuses a kit whose range excludes this version, and an older kit: exit 6, nothing written', () => {
    const kit = kitCopy();
    const dir = generate(['--kit', kit, '--python', '3.11']);
    const before = treeHashes(dir);
    setKit(kit, /requires = ".*"/, 'requires = ">=9"');
    const outside = updateIn(dir, []);
    assert.equal(outside.status, 6, outside.stderr);
    assert.match(outside.stderr, /needs create-fly-fastapi >=9/);
    setKit(kit, /requires = ".*"/, 'requires = ">=0.1"');
    setKit(kit, /version = "1\.4\.0"/, 'version = "1.3.0"');
    const older = updateIn(dir, []);
    assert.equal(older.status, 6, older.stderr);
    assert.match(older.stderr, /acme-fastapi 1\.3\.0 is older than 1\.4\.0.*never downgrades/);
    assert.deepEqual(changedPaths(before, treeHashes(dir)), []);
  });
});

describe('--update from release 0.1.0', () => {
  const FLAGS: Record<string, string[]> = {
    default: ['--name', 'fixture-api'],
    'no-postgres': ['--name', 'fixture-api', '--no-postgres'],
    multiregion: ['--name', 'fixture-api', '--regions', 'iad,lhr,syd', '--scaling', 'warm', '--min-machines', '2'],
  };
  for (const [variant, flags] of Object.entries(FLAGS)) {
    it(`${variant}: a format 1 record; what differs is a conflict unless overwritten, and the next update merges`, () => {
      const dir = join(tempDir('cff-from-0.1.0-'), variant);
      cpSync(join(FIXTURES, variant), dir, { recursive: true });
      git(dir, 'init', '--quiet', '--initial-branch=main');
      commitAll(dir, '0.1.0');
      const expected = fresh(flags, variant);

      const cautious = jsonUpdate(dir, []);
      assert.equal(cautious.status, 5, cautious.stderr);
      // Both differ from what 0.1.0 wrote: fly.toml, and the Dockerfile (its builder stage since strips extensions).
      for (const path of ['fly.toml', 'Dockerfile']) {
        assert.equal(statusOf(cautious.report, path), 'conflict', path);
        assert.equal(read(dir, path), read(join(FIXTURES, variant), path));
        assert.equal(read(dir, `${path}.new`), read(expected, path));
        rmSync(join(dir, `${path}.new`));
      }
      git(dir, 'checkout', '--quiet', '--', '.');

      const taken = jsonUpdate(dir, ['--on-conflict', 'overwrite']);
      assert.equal(taken.status, 0, taken.stderr);
      for (const path of ['fly.toml', 'Dockerfile', '.dockerignore', '.github/workflows/ci.yml', '.github/workflows/fly-deploy.yml']) {
        assert.equal(read(dir, path), read(expected, path), path);
      }
      assert.equal(JSON.parse(read(dir, RECORD)).format, 2);
      rmSync(join(dir, 'fly.toml.bak'));
      commitAll(dir, '0.2.0');

      const again = jsonUpdate(dir, ['--scaling', 'always-on']);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(statusOf(again.report, 'fly.toml'), 'updated');
    });
  }
});
