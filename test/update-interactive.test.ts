/**
 * The conflict prompt in a real terminal: Enter keeps yours, and Ctrl-C at
 * the prompt exits 130 with the project exactly as it was (every decision is
 * made before the first write).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir } from './helpers/cli.ts';
import { Terminal, tmuxMissing } from './helpers/tmux.ts';
import { changedPaths, treeHashes } from './helpers/tree.ts';

const IN_TMUX = { concurrency: true, timeout: 60_000, skip: process.env.E2E_REQUIRED === '1' ? false : tmuxMissing };
const QUESTION = 'Keep mine (the file stays as it is)';

/** A project whose fly.toml has a hand-set auto_stop_machines that `--scaling always-on` wants to change. */
function conflicted(): string {
  const root = tempDir('cff-prompt-');
  assert.equal(runCli(['app', '--yes', '--no-git', '--no-lock'], { cwd: root }).status, 0);
  const dir = join(root, 'app');
  const fly = join(dir, 'fly.toml');
  writeFileSync(fly, readFileSync(fly, 'utf8').replace('auto_stop_machines = "suspend"', 'auto_stop_machines = "stop"'));
  // Not a git repository: no uncommitted-changes check stands between us and the prompt.
  assert.equal(spawnSync('git', ['rev-parse'], { cwd: dir }).status !== 0, true);
  return dir;
}

describe('the conflict prompt of --update', IN_TMUX, () => {
  it('Ctrl-C at the prompt: exit 130, the tree unchanged', async () => {
    const dir = conflicted();
    const before = treeHashes(dir);
    const terminal = Terminal.start({ cwd: dir, args: ['--update', '--scaling', 'always-on'] });
    try {
      const screen = await terminal.waitFor(QUESTION);
      assert.match(screen, /fly\.toml: 1 edit of yours and ours touch the same lines/);
      terminal.keys('C-c');
      assert.equal(await terminal.exitCode(), 130);
      assert.match(terminal.screen(), /nothing was written/);
      assert.deepEqual(changedPaths(before, treeHashes(dir)), []);
    } finally {
      terminal.close();
    }
  });

  it('Enter keeps yours: fly.toml untouched, exit 5; "show the difference" asks again', async () => {
    const dir = conflicted();
    const yours = readFileSync(join(dir, 'fly.toml'), 'utf8');
    const terminal = Terminal.start({ cwd: dir, args: ['--update', '--scaling', 'always-on'] });
    try {
      await terminal.waitFor(QUESTION);
      terminal.keys('Up', 'Enter');
      const diff = await terminal.waitFor('+auto_stop_machines = "off"');
      assert.match(diff, /-auto_stop_machines = "stop"/);
      // The first prompt collapsed to its answer: the option's hint on screen is the second prompt's.
      await terminal.waitFor(QUESTION);
      terminal.keys('Enter');
      assert.equal(await terminal.exitCode(), 5);
      assert.equal(readFileSync(join(dir, 'fly.toml'), 'utf8'), yours);
    } finally {
      terminal.close();
    }
  });
});
