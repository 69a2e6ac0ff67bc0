import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { entries, runCli, tempDir } from './helpers/cli.ts';

const FAST = ['--yes', '--no-lock', '--no-git', '--no-launch'];

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
}

describe('the built CLI, without a terminal', () => {
  it('prints help and version', () => {
    const cwd = tempDir();
    const help = runCli(['--help'], { cwd });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: npm create fly-fastapi@latest \[directory\] -- \[options\]$/m);
    const version = runCli(['-v'], { cwd });
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.deepEqual(entries(cwd), []);
  });

  it('writes a complete project and leaves no staging folder behind', () => {
    const cwd = tempDir();
    const run = runCli(['my-api', ...FAST], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(entries(cwd), ['my-api']);
    const project = join(cwd, 'my-api');
    for (const path of ['.gitignore', '.dockerignore', '.python-version', 'Dockerfile', 'fly.toml', 'pyproject.toml', 'app/main.py', 'migrations/env.py']) {
      assert.ok(existsSync(join(project, path)), path);
    }
    assert.match(run.stdout, /uv lock +# the Docker build needs uv.lock/);
    assert.match(run.stdout, /npm create fly-fastapi@latest my-api -- --name my-api --postgres managed/);
  });

  const usage: [string, string[], RegExp][] = [
    ['an unknown flag', ['x', '--colour', 'red'], /^create-fly-fastapi: --colour: unknown option \(see --help\)$/],
    ['an invalid value', ['x', '--yes', '--scaling', 'sometimes'], /--scaling: 'sometimes' is not one of suspend, stop, warm, always-on$/],
    ['a retired region', ['x', '--yes', '--regions', 'sea'], /--regions: region 'sea' was retired by Fly.io; use 'sjc' instead$/],
    ['a conflict', ['x', '--yes', '--min-machines', '2'], /--min-machines applies only with --scaling warm$/],
    ['missing answers', ['x', '--postgres', 'none'], /missing --scaling, --regions, --workflows, --launch \(no terminal to ask in\)/],
    ['--interactive without a terminal', ['x', '--interactive'], /--interactive needs a terminal/],
  ];
  for (const [what, args, pattern] of usage) {
    it(`exits 2 on ${what}, naming it, and writes nothing`, () => {
      const cwd = tempDir();
      const run = runCli(args, { cwd });
      assert.equal(run.status, 2);
      assertOneLineError(run.stderr, pattern);
      assert.deepEqual(entries(cwd), []);
    });
  }

  it('asks nothing and fails in CI even with a terminal-less default', () => {
    const cwd = tempDir();
    const run = runCli(['x'], { cwd, env: { CI: 'true' } });
    assert.equal(run.status, 2);
    assertOneLineError(run.stderr, /missing --postgres, --scaling, --regions, --workflows, --launch/);
  });

  it('exits 3 on a non-empty directory without --force and touches nothing', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'app'));
    writeFileSync(join(cwd, 'app', 'notes.txt'), 'mine');
    const run = runCli(['app', ...FAST], { cwd });
    assert.equal(run.status, 3);
    assertOneLineError(run.stderr, /app is not empty \(1 entries\); use another directory, or --force/);
    assert.deepEqual(entries(join(cwd, 'app')), ['notes.txt']);
    assert.deepEqual(entries(cwd), ['app']);
  });

  it('with --force adds to a directory but never overwrites a file', () => {
    const cwd = tempDir();
    const target = join(cwd, 'svc');
    mkdirSync(target);
    writeFileSync(join(target, 'README.md'), '# mine\n');
    const refused = runCli(['svc', ...FAST, '--force'], { cwd });
    assert.equal(refused.status, 3);
    assertOneLineError(refused.stderr, /--force never overwrites: svc already has different README.md$/);
    assert.deepEqual(entries(target), ['README.md']);
    assert.equal(readFileSync(join(target, 'README.md'), 'utf8'), '# mine\n');

    const other = join(cwd, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'keep.txt'), 'keep');
    const added = runCli(['other', ...FAST, '--force'], { cwd });
    assert.equal(added.status, 0, added.stderr);
    assert.equal(readFileSync(join(other, 'keep.txt'), 'utf8'), 'keep');
    assert.ok(existsSync(join(other, 'fly.toml')));
    assert.deepEqual(entries(cwd), ['other', 'svc'], 'no staging folder left');
  });

  it('names the app after the real folder for ".", and writes --name foo to ./foo', () => {
    const cwd = join(tempDir(), 'Shop API');
    mkdirSync(cwd);
    const here = runCli(['.', ...FAST], { cwd });
    assert.equal(here.status, 0, here.stderr);
    assert.match(readFileSync(join(cwd, 'fly.toml'), 'utf8'), /^app = "shop-api"$/m);

    const other = tempDir();
    const named = runCli(['--name', 'foo', ...FAST], { cwd: other });
    assert.equal(named.status, 0, named.stderr);
    assert.deepEqual(entries(other), ['foo']);
    assert.match(readFileSync(join(other, 'foo', 'fly.toml'), 'utf8'), /^app = "foo"$/m);
  });

  it('accepts an existing empty directory', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'empty'));
    const run = runCli(['empty', ...FAST], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(existsSync(join(cwd, 'empty', 'fly.toml')));
  });

  it('writes nothing on --dry-run and lists what it would write', () => {
    const cwd = tempDir();
    const run = runCli(['nested/dir/api', '--yes', '--dry-run'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Dry run: would write \d+ files to /);
    assert.match(run.stdout, /^ {2}fly\.toml +\d+ B$/m);
    assert.deepEqual(entries(cwd), []);
  });

  it('creates missing parent folders', () => {
    const cwd = tempDir();
    const run = runCli(['a/b/api', ...FAST], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(existsSync(join(cwd, 'a/b/api/fly.toml')));
  });

  it('keeps the project and exits 4 when uv lock fails', () => {
    const cwd = tempDir();
    const bin = join(cwd, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'uv'), '#!/bin/sh\necho "error: Failed to fetch: https://pypi.org/simple/fastapi/" >&2\nexit 2\n');
    chmodSync(join(bin, 'uv'), 0o755);
    const run = runCli(['locked', '--yes', '--no-git', '--lock'], { cwd, env: { PATH: `${bin}:${process.env.PATH}` } });
    assert.equal(run.status, 4);
    assert.match(run.stdout + run.stderr, /uv lock failed; run it yourself/);
    assert.match(run.stdout + run.stderr, /Failed to fetch/);
    assert.ok(existsSync(join(cwd, 'locked', 'fly.toml')));
    assert.ok(!existsSync(join(cwd, 'locked', 'uv.lock')));
  });

  it('creates a git repository with a first commit', () => {
    const cwd = tempDir();
    const identity = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };
    const run = runCli(['repo', '--yes', '--no-lock', '--git'], { cwd, env: identity });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(existsSync(join(cwd, 'repo', '.git', 'HEAD')));
    assert.ok(existsSync(join(cwd, 'repo', '.git', 'refs', 'heads', 'main')), 'first commit on main');
  });
});
