/**
 * --update on a project --adopt took, with the built CLI: the update plans
 * as --adopt would (never a generated project's files), the user's files stay
 * byte-identical, and an edit of fly.toml is merged like any managed file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXIT } from '../src/errors.ts';
import { runCli, tempDir } from './helpers/cli.ts';
import { changedPaths, treeHashes } from './helpers/tree.ts';

const ENV = { PATH: `${join(homedir(), '.local/bin')}:${process.env.PATH}` };
const FIXTURES = new URL('./fixtures/adopt/', import.meta.url).pathname;
const RECORD = '.create-fly-fastapi/manifest.json';

function git(dir: string, ...args: string[]): void {
  const result = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
}

/** A fixture copied, committed, adopted with `flags`, and the adoption committed. */
function adopted(name: string, flags: string[] = []): string {
  const dir = join(tempDir('cff-adopt-update-'), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'theirs');
  const run = runCli(['--adopt', '--no-interactive', ...flags], { cwd: dir, env: ENV });
  assert.equal(run.status, 0, run.stderr);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'adopted');
  return dir;
}

function update(dir: string, flags: string[] = []) {
  const run = runCli(['--update', '--no-interactive', '--json', ...flags], { cwd: dir, env: ENV });
  const report = run.stdout ? (JSON.parse(run.stdout) as { files: { path: string; status: string }[]; written: boolean }) : undefined;
  return { ...run, report };
}

const written = (dir: string) => Object.keys((JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as { files: object }).files).sort();

describe('--update on an adopted project', () => {
  it('writes nothing when nothing changed, and plans only what --adopt wrote', () => {
    for (const name of ['alembic', 'dbfolder']) {
      const dir = adopted(name);
      const before = treeHashes(dir);
      const run = update(dir);
      assert.equal(run.status, EXIT.ok, run.stderr);
      assert.equal(run.report!.written, false, name);
      assert.deepEqual(run.report!.files.map((file) => file.path).sort(), written(dir));
      assert.deepEqual(changedPaths(before, treeHashes(dir)), [], name);
    }
  });

  it('carries new answers into fly.toml, keeps an edit of it, and touches none of their files', () => {
    const dir = adopted('factory');
    const theirs = (path: string) => path.startsWith('.git/') || written(dir).includes(path) || path === RECORD;
    const before = treeHashes(dir, theirs);
    writeFileSync(join(dir, 'fly.toml'), `${readFileSync(join(dir, 'fly.toml'), 'utf8')}\n[[statics]]\n  guest_path = "/app/public"\n  url_prefix = "/static"\n`);
    git(dir, 'commit', '--quiet', '-am', 'statics');

    const run = update(dir, ['--scaling', 'always-on', '--regions', 'iad,lhr']);
    assert.equal(run.status, EXIT.ok, run.stderr);
    assert.equal(run.report!.files.find((file) => file.path === 'fly.toml')?.status, 'merged');
    const fly = readFileSync(join(dir, 'fly.toml'), 'utf8');
    assert.match(fly, /auto_stop_machines = "off"/);
    assert.match(fly, /guest_path = "\/app\/public"/);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /"--factory", "app\.main:create_app"/);
    assert.deepEqual(changedPaths(before, treeHashes(dir, theirs)), [], 'their files are byte-identical');
    assert.ok(!existsSync(join(dir, 'app/platform')), 'no generated project files appear');
  });

  it('keeps ours beside theirs: fly.toml.new is updated, their fly.toml is not read as ours', () => {
    const dir = adopted('flytoml', ['--adopt-new-files']);
    const theirFly = readFileSync(join(dir, 'fly.toml'), 'utf8');
    const run = update(dir, ['--scaling', 'always-on']);
    assert.equal(run.status, EXIT.ok, run.stderr);
    assert.equal(run.report!.files.find((file) => file.path === 'fly.toml.new')?.status, 'updated');
    assert.equal(readFileSync(join(dir, 'fly.toml'), 'utf8'), theirFly);
    assert.match(readFileSync(join(dir, 'fly.toml.new'), 'utf8'), /internal_port = 8080/);
  });

  it('refuses options an adopted project does not take, writing nothing', () => {
    const dir = adopted('flat');
    const before = treeHashes(dir);
    const run = update(dir, ['--postgres', 'managed']);
    assert.equal(run.status, EXIT.usage);
    assert.match(run.stderr.trim(), /^create-fly-fastapi: --postgres: does not apply to a project --adopt took/);
    assert.deepEqual(changedPaths(before, treeHashes(dir)), []);
  });
});
