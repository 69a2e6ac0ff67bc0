/**
 * How a run ends when it is stopped, for update and adopt as for create
 * (test/signals.test.ts): every tool the run started is gone when the CLI
 * exits, and the last line says what is on disk. The uv here is a stand-in on
 * PATH that records its pid, sleeps, and would leave a mark had it finished;
 * it runs in a process group of its own, as the real one does, where a
 * terminal's Ctrl-C does not reach it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, runCli, tempDir } from './helpers/cli.ts';
import { Terminal, tmuxMissing } from './helpers/tmux.ts';
import { changedPaths, treeHashes } from './helpers/tree.ts';

const IN_TMUX = { timeout: 60_000, skip: process.env.E2E_REQUIRED === '1' ? false : tmuxMissing };
const UPDATED = 'Cancelled: the files are updated; the uv commands did not finish (run them yourself).';

/** A uv that records its pid in `marks`, sleeps 3 s, then writes `marks`/done. */
function slowUv(): { bin: string; marks: string } {
  const root = tempDir('cff-slow-uv-');
  const bin = join(root, 'bin');
  const marks = join(root, 'marks');
  mkdirSync(bin);
  mkdirSync(marks);
  writeFileSync(join(bin, 'uv'), `#!/bin/bash\necho $$ > '${marks}/pid'\nsleep 3\necho "$@" > '${marks}/done'\n`);
  chmodSync(join(bin, 'uv'), 0o755);
  return { bin, marks };
}

/** A project without Postgres and with a uv.lock: switching Postgres on makes the update run `uv lock`. */
function projectToUpdate(): string {
  const root = tempDir('cff-end-');
  assert.equal(runCli(['api', '--yes', '--no-git', '--no-lock', '--postgres', 'none'], { cwd: root }).status, 0);
  const dir = join(root, 'api');
  writeFileSync(join(dir, 'uv.lock'), '');
  return dir;
}

async function waitForFile(path: string, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return readFileSync(path, 'utf8').trim();
}

function alive(pid: number): boolean {
  // ps, as a user would look: no line for the pid once it is gone.
  return spawnSync('ps', ['-o', 'pid=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim() !== '';
}

/** After the CLI has exited: the stand-in uv is gone, and stays without a mark past the time it would have finished. */
async function assertUvStopped(marks: string): Promise<void> {
  const pid = Number(readFileSync(join(marks, 'pid'), 'utf8'));
  assert.equal(alive(pid), false, `uv (pid ${pid}) still runs after the CLI exited`);
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  assert.equal(existsSync(join(marks, 'done')), false, 'uv finished after the CLI said it had stopped');
}

describe('a stopped --update stops its uv', () => {
  it('Ctrl-C in a terminal during uv lock: exit 130, uv gone, the last line says the files are updated', IN_TMUX, async () => {
    const dir = projectToUpdate();
    const { bin, marks } = slowUv();
    const terminal = Terminal.start({ cwd: dir, args: ['--update', '--postgres', 'managed', '--on-conflict', 'new-file'], pathPrefix: bin, width: 120 });
    try {
      await waitForFile(join(marks, 'pid'));
      terminal.keys('C-c');
      assert.equal(await terminal.exitCode(), 130);
      const lines = terminal.screen().trimEnd().split('\n');
      assert.equal(lines.at(-1), UPDATED, terminal.screen());
      assert.match(readFileSync(join(dir, 'pyproject.toml'), 'utf8'), /psycopg/, 'the files are updated, as the line says');
      await assertUvStopped(marks);
    } finally {
      terminal.close();
    }
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} during uv lock: exit ${code}, uv gone, the same last line`, { timeout: 60_000 }, async () => {
      const dir = projectToUpdate();
      const { bin, marks } = slowUv();
      const child = spawn(process.execPath, [CLI, '--update', '--postgres', 'managed'], { cwd: dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CI: '1' } });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await waitForFile(join(marks, 'pid'));
      child.kill(signal);
      assert.equal(await exited, code);
      assert.equal(stderr.trimEnd().split('\n').at(-1), UPDATED, stderr);
      await assertUvStopped(marks);
    });
  }
});

describe('a stopped --adopt', () => {
  it('Ctrl-C at "Write these files?": exit 130, nothing written, the last line says so', IN_TMUX, async () => {
    const dir = join(tempDir('cff-end-adopt-'), 'flat');
    cpSync(new URL('./fixtures/adopt/flat', import.meta.url).pathname, dir, { recursive: true });
    const before = treeHashes(dir);
    const terminal = Terminal.start({ cwd: dir, args: ['--adopt'] });
    try {
      await terminal.waitFor('Write these files?');
      terminal.keys('C-c');
      assert.equal(await terminal.exitCode(), 130);
      const lines = terminal.screen().trimEnd().split('\n');
      assert.match(lines.at(-1)!, /Cancelled: nothing was written\.$/, terminal.screen());
      assert.equal(lines.filter((line) => line.includes('Cancelled')).length, 1, terminal.screen());
      assert.deepEqual(changedPaths(before, treeHashes(dir)), []);
    } finally {
      terminal.close();
    }
  });
});
