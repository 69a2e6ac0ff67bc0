/**
 * Signals at random moments, hundreds of times. After a SIGINT or SIGTERM the
 * target is either as it was or complete, the last line says which, and no
 * staging folder or lock file is left. After a SIGKILL (which nothing can
 * catch) the next run beside the same target removes what the killed one left.
 *
 * Bounded in time (SIGNAL_TEST_SECONDS, default 40) and in runs (SIGNAL_RUNS,
 * default 300): on a slow machine it does fewer runs rather than time out, and
 * says how many it did.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, inParallel, runCliAsync, snapshot, tempDir } from './helpers/cli.ts';

const RUNS = Number(process.env.SIGNAL_RUNS ?? 300);
const KILLS = Number(process.env.SIGKILL_RUNS ?? Math.max(10, Math.round(RUNS / 10)));
const BUDGET_MS = Number(process.env.SIGNAL_TEST_SECONDS ?? 40) * 1000;
const PARALLEL = 4;

type Mode = 'new' | 'force' | 'lock' | 'git';
const FLAGS: Record<Mode, string[]> = {
  new: ['api', '--yes', '--no-lock', '--no-git'],
  force: ['api', '--yes', '--no-lock', '--no-git', '--force'],
  lock: ['api', '--yes', '--no-git', '--lock'],
  git: ['api', '--yes', '--no-lock', '--git'],
};
const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };
/** How long after the start a signal may come: a little beyond a whole run, so some runs finish first. */
const WINDOW_MS: Record<Mode, number> = { new: 450, force: 450, lock: 800, git: 600 };
/** The same after the first progress line: writing takes milliseconds, uv a fifth of a second. */
const AFTER_OUTPUT_MS: Record<Mode, number> = { new: 15, force: 15, lock: 300, git: 120 };

const shared = tempDir('cff-sig-');
const bin = join(shared, 'bin');
mkdirSync(bin);
// A uv that takes a moment and then writes uv.lock, as the real one does.
writeFileSync(join(bin, 'uv'), '#!/bin/sh\necho resolving\nsleep 0.2\necho "version = 1" > uv.lock\n');
chmodSync(join(bin, 'uv'), 0o755);
const PATH = `${bin}:${process.env.PATH}`;

/** The complete project of each mode, from one uninterrupted run. */
const complete = new Map<Mode, Map<string, string>>();

function prepare(mode: Mode): string {
  const cwd = tempDir('cff-sig-run-');
  if (mode === 'force') {
    mkdirSync(join(cwd, 'api'));
    writeFileSync(join(cwd, 'api', 'keep.txt'), 'the user\'s own file\n');
  }
  return cwd;
}

interface Outcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Milliseconds from the start to the first progress line, if there was one. */
  firstOutput?: number;
}

/** Recent start-to-first-output times per mode: where writing begins on this machine, under this load. */
const seen: Record<Mode, number[]> = { new: [], force: [], lock: [], git: [] };
function typicalFirstOutput(mode: Mode): number {
  const recent = seen[mode].slice(-25).sort((a, b) => a - b);
  return recent.length > 0 ? recent[Math.floor(recent.length / 2)]! : WINDOW_MS[mode] / 2;
}

/**
 * Sends `signal` `delayMs` after the start, or (afterOutput) that long after the
 * first line of progress: start-up takes most of a run, and a delay from the
 * start alone would rarely land while the project is being written.
 */
function runAndSignal(cwd: string, mode: Mode, signal: NodeJS.Signals, delayMs: number, afterOutput = false): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...FLAGS[mode]], { cwd, env: { ...process.env, ...GIT_IDENTITY, CI: '', NO_COLOR: '1', PATH } });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    let firstOutput: number | undefined;
    const start = Date.now();
    const arm = () => (timer ??= setTimeout(() => child.kill(signal), delayMs));
    child.stdout.on('data', () => {
      firstOutput ??= Date.now() - start;
      if (afterOutput) arm();
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    if (!afterOutput) arm();
    child.on('close', (status, killedBy) => {
      clearTimeout(timer);
      done({ status, signal: killedBy, stderr, firstOutput });
    });
  });
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.includes('.create-fly-fastapi'));
}

/** Trees compared byte for byte, except inside .git, whose objects carry the commit's time. */
function sameTree(actual: Map<string, string>, expected: Map<string, string>): boolean {
  const comparable = (tree: Map<string, string>) => JSON.stringify([...tree].filter(([key]) => !key.startsWith('.git/') || key === '.git/HEAD'));
  return comparable(actual) === comparable(expected);
}

const tally = new Map<string, number>();
const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);

describe('signals at random moments', () => {
  after(() => {
    const rows = [...tally].sort().map(([key, n]) => `  ${key.padEnd(44)} ${n}`);
    console.log(`signal test:\n${rows.join('\n')}`);
  });

  it('reference: each mode completes without a signal', async () => {
    for (const mode of ['new', 'force', 'lock', 'git'] as Mode[]) {
      const cwd = prepare(mode);
      const run = await runCliAsync(FLAGS[mode], { cwd, env: { ...GIT_IDENTITY, PATH } });
      assert.equal(run.status, 0, run.stderr);
      complete.set(mode, snapshot(join(cwd, 'api')));
    }
    assert.ok(complete.get('lock')!.has('uv.lock'));
  });

  it(`SIGINT and SIGTERM: as before or complete, a true last line, nothing left beside it (up to ${RUNS} runs)`, async () => {
    const started = Date.now();
    const plan = Array.from({ length: RUNS }, (_, index) => {
      const mode: Mode = (['new', 'new', 'new', 'force', 'force', 'force', 'lock', 'lock', 'git', 'git'] as const)[index % 10]!;
      // A third anywhere in the run; a third aimed at the moment writing starts (start-up
      // takes most of a run, so uniform delays rarely land there); a third after the first line.
      const timing = (['anywhere', 'aimed', 'after output'] as const)[index % 3]!;
      return { mode, signal: (Math.floor(index / 3) % 2 === 0 ? 'SIGINT' : 'SIGTERM') as NodeJS.Signals, timing };
    });
    const failures: string[] = [];
    await inParallel(plan, PARALLEL, async ({ mode, signal, timing }) => {
      const afterOutput = timing === 'after output';
      const delay =
        timing === 'anywhere' ? Math.random() * WINDOW_MS[mode]
        : timing === 'aimed' ? Math.max(0, typicalFirstOutput(mode) - 40 + Math.random() * 50)
        : Math.random() * AFTER_OUTPUT_MS[mode];
      if (Date.now() - started > BUDGET_MS) return;
      const cwd = prepare(mode);
      const target = join(cwd, 'api');
      const before = snapshot(target);
      const { status, signal: killedBy, stderr, firstOutput } = await runAndSignal(cwd, mode, signal, delay, afterOutput);
      if (firstOutput !== undefined) seen[mode].push(firstOutput);
      const now = snapshot(target);
      const last = stderr.trimEnd().split('\n').at(-1) ?? '';
      let outcome: string;
      const problems: string[] = [];
      if (status === 0) {
        outcome = 'finished before the signal';
        if (!sameTree(now, complete.get(mode)!)) problems.push('exit 0 but the project is not complete');
      } else if (killedBy === signal) {
        // Before the handlers were installed: the default action, before anything was written.
        outcome = 'ended by the signal before start-up';
        if (!sameTree(now, before)) problems.push('killed at start-up, but something was written');
      } else if (last === 'Cancelled: nothing was written.') {
        outcome = 'cancelled, target as before';
        if (!sameTree(now, before)) problems.push('"nothing was written", but the target changed');
      } else if (/^Cancelled: the project is in \.\/api; the rest did not run\.$/.test(last)) {
        outcome = 'cancelled, project complete';
        if (!sameTree(now, complete.get(mode)!)) problems.push('"the project is in", but it is not complete');
      } else {
        outcome = 'unexplained';
        problems.push(`exit ${status}, last line: ${last}`);
      }
      const expectedCode = signal === 'SIGINT' ? 130 : 143;
      if (status !== 0 && killedBy === null && status !== expectedCode) problems.push(`exit ${status}, expected ${expectedCode}`);
      const left = leftovers(cwd);
      if (left.length > 0) problems.push(`left ${left.join(', ')}`);
      count(`${mode.padEnd(5)} ${signal.padEnd(7)} ${outcome}`);
      count('runs (SIGINT/SIGTERM)');
      if (problems.length > 0) failures.push(`${mode} ${signal} ${timing} at ${delay.toFixed(0)} ms: ${problems.join('; ')}`);
    });
    assert.deepEqual(failures, []);
    assert.ok((tally.get('runs (SIGINT/SIGTERM)') ?? 0) >= Math.min(RUNS, 100), 'too few runs in the time budget');
  });

  it(`SIGKILL: whatever it leaves, the next run beside it removes (${KILLS} runs)`, async () => {
    const failures: string[] = [];
    await inParallel(Array.from({ length: KILLS }, (_, index) => index), PARALLEL, async (index) => {
      const mode: Mode = index % 2 === 0 ? 'new' : 'force';
      const cwd = prepare(mode);
      await runAndSignal(cwd, mode, 'SIGKILL', Math.random() * 10, index % 3 !== 0);
      const left = leftovers(cwd);
      count(left.length > 0 ? 'SIGKILL left a staging folder or lock' : 'SIGKILL left nothing beside the target');
      count('runs (SIGKILL)');
      const next = await runCliAsync(['next', '--yes', '--no-lock', '--no-git'], { cwd });
      if (next.status !== 0) failures.push(`next run: exit ${next.status}: ${next.stderr}`);
      const still = leftovers(cwd);
      if (still.length > 0) failures.push(`after the next run: ${still.join(', ')}`);
    });
    assert.deepEqual(failures, []);
  });
});
