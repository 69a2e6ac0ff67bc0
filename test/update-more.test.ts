/**
 * Updates beyond the plain case: conflicts git sees (markers as unmerged
 * index entries), --restore, and files a kit moved.
 *
 * A conflict left with --on-conflict markers is one git sees: unmerged in the
 * index (stages 1, 2 and 3), so `git status` shows UU, `git diff` the combined
 * diff, and a plain `git commit` refuses until the file is resolved and added.
 * (`git commit -a` stages it as it is; git does that after a merge too.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir } from './helpers/cli.ts';

const IDENTITY = ['-c', 'user.name=t', '-c', 'user.email=t@example.com'];
const git = (dir: string, ...args: string[]) => spawnSync('git', [...IDENTITY, ...args], { cwd: dir, encoding: 'utf8' });

describe('conflict markers that git sees', () => {
  it('markers: exit 5, UU in git status, the combined diff, a plain commit refused; resolved and added, it commits', () => {
    const root = tempDir('cff-git-');
    assert.equal(runCli(['app', '--yes', '--no-git', '--no-lock'], { cwd: root }).status, 0);
    const dir = join(root, 'app');
    git(dir, 'init', '--quiet');
    const fly = join(dir, 'fly.toml');
    writeFileSync(fly, readFileSync(fly, 'utf8').replace(/auto_stop_machines = ".*"/, 'auto_stop_machines = "off"'));
    git(dir, 'add', '--all');
    assert.equal(git(dir, 'commit', '--quiet', '-m', 'mine').status, 0);

    const run = runCli(['--update', '--scaling', 'always-on', '--on-conflict', 'markers'], { cwd: dir });
    assert.equal(run.status, 5, run.stderr);
    assert.match(run.stderr, /^Conflicts left: fly\.toml now hold conflict markers \(git shows them unmerged\)/m);
    assert.match(readFileSync(fly, 'utf8'), /^<<<<<<< yours$/m);
    assert.match(git(dir, 'status', '--porcelain').stdout, /^UU fly\.toml$/m);
    assert.match(git(dir, 'ls-files', '--stage', 'fly.toml').stdout, /^100644 [0-9a-f]{40} 1\tfly\.toml\n100644 [0-9a-f]{40} 2\tfly\.toml\n100644 [0-9a-f]{40} 3\tfly\.toml\n$/);
    assert.match(git(dir, 'diff').stdout, /^diff --cc fly\.toml$/m);
    const refused = git(dir, 'commit', '-m', 'with markers');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr + refused.stdout, /unmerged/i);

    writeFileSync(fly, readFileSync(fly, 'utf8').replace(/<<<<<<< yours\n([\s\S]*?)=======\n[\s\S]*?>>>>>>> new \(create-fly-fastapi\)\n/, '$1'));
    git(dir, 'add', 'fly.toml');
    assert.equal(git(dir, 'commit', '--quiet', '-m', 'resolved').status, 0);
  });
});

describe('--update --restore', () => {
  it('brings back one deleted file as this version writes it; nothing else changes; a file that is there is refused', () => {
    const root = tempDir('cff-restore-');
    assert.equal(runCli(['app', '--yes', '--no-git', '--no-lock', '--postgres', 'none'], { cwd: root }).status, 0);
    const dir = join(root, 'app');
    const health = readFileSync(join(dir, 'app/health.py'), 'utf8');
    rmSync(join(dir, 'app/health.py'));
    // Another file changed by the user, and an option change the restore must not apply.
    writeFileSync(join(dir, 'README.md'), 'mine\n');
    const fly = readFileSync(join(dir, 'fly.toml'), 'utf8');
    const run = runCli(['--update', '--restore', 'app/health.py', '--scaling', 'always-on'], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(readFileSync(join(dir, 'app/health.py'), 'utf8'), health);
    assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), 'mine\n');
    assert.equal(readFileSync(join(dir, 'fly.toml'), 'utf8'), fly, 'nothing else changes');
    const again = runCli(['--update', '--restore', 'app/health.py'], { cwd: dir });
    assert.equal(again.status, 6, again.stderr);
    assert.match(again.stderr, /--restore: app\/health\.py is there/);
    const unknown = runCli(['--update', '--restore', 'app/nope.py'], { cwd: dir });
    assert.equal(unknown.status, 2, unknown.stderr);
    // A plain update afterwards finds the restored file as ours.
    const plain = runCli(['--update', '--json'], { cwd: dir });
    assert.equal(JSON.parse(plain.stdout).files.find((file: { path: string }) => file.path === 'app/health.py').status, 'identical');
  });
});

describe('a file the kit moved', () => {
  function kit(dir: string, version: string, files: Record<string, string>, moved = ''): string {
    rmSync(dir, { recursive: true, force: true });
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, 'files', path, '..'), { recursive: true });
      writeFileSync(join(dir, 'files', path), text);
    }
    writeFileSync(join(dir, 'kit.toml'), `[kit]\nname = "move-kit"\nversion = "${version}"\n${moved}`);
    return dir;
  }
  const V1 = 'port = 1\nworkers = 2\nmode = "a"\n';
  const V2 = 'port = 1\nworkers = 2\nmode = "b"\n';

  it('carries your edit to the new path, merged with the kit\'s change, and removes the old one', () => {
    const root = tempDir('cff-move-');
    assert.equal(runCli(['app', '--kit', kit(join(root, 'k1'), '1.0.0', { 'ops/run.cfg': V1 }), '--yes', '--no-git', '--no-lock', '--postgres', 'none'], { cwd: root }).status, 0);
    const dir = join(root, 'app');
    writeFileSync(join(dir, 'ops/run.cfg'), V1.replace('port = 1', 'port = 8080'));
    const run = runCli(['--update', '--json', '--kit', kit(join(root, 'k2'), '2.0.0', { 'deploy/run.cfg': V2 }, '\n[moved]\n"ops/run.cfg" = "deploy/run.cfg"\n')], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(readFileSync(join(dir, 'deploy/run.cfg'), 'utf8'), 'port = 8080\nworkers = 2\nmode = "b"\n', 'your edit and ours, at the new path');
    assert.equal(existsSync(join(dir, 'ops/run.cfg')), false, 'the old path is gone: nothing of yours is lost');
    const moved = JSON.parse(run.stdout).files.find((file: { path: string }) => file.path === 'deploy/run.cfg');
    assert.deepEqual(moved, { path: 'deploy/run.cfg', status: 'moved', reason: 'from ops/run.cfg: your edits merged into the new text' });
  });

  it('an edit that clashes with the kit\'s: yours stays at the old path, ours at the new one, exit 5', () => {
    const root = tempDir('cff-move-');
    assert.equal(runCli(['app', '--kit', kit(join(root, 'k1'), '1.0.0', { 'ops/run.cfg': V1 }), '--yes', '--no-git', '--no-lock', '--postgres', 'none'], { cwd: root }).status, 0);
    const dir = join(root, 'app');
    const yours = V1.replace('mode = "a"', 'mode = "mine"');
    writeFileSync(join(dir, 'ops/run.cfg'), yours);
    const run = runCli(['--update', '--kit', kit(join(root, 'k2'), '2.0.0', { 'deploy/run.cfg': V2 }, '\n[moved]\n"ops/run.cfg" = "deploy/run.cfg"\n')], { cwd: dir });
    assert.equal(run.status, 5, run.stderr);
    assert.equal(readFileSync(join(dir, 'ops/run.cfg'), 'utf8'), yours);
    assert.equal(readFileSync(join(dir, 'deploy/run.cfg'), 'utf8'), V2);
  });
});
