/**
 * A conflict left with --on-conflict markers is one git sees: unmerged in the
 * index (stages 1, 2 and 3), so `git status` shows UU, `git diff` the combined
 * diff, and a plain `git commit` refuses until the file is resolved and added.
 * (`git commit -a` stages it as it is; git does that after a merge too.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
