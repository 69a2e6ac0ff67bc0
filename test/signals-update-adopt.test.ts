/**
 * Signals at random moments during --update and --adopt, as test/signals.test.ts
 * does for create. After SIGINT, SIGTERM or SIGHUP the project is as it was or
 * as the complete run leaves it, the last line says which, and no temporary
 * file or lock is left; after a SIGKILL the next run finishes the job and
 * removes what the killed one left. Some runs slow every rename (strace) so
 * that signals land between two of them.
 *
 * Bounded: SIGNAL_RUNS (default 300) split across the two commands, and
 * SIGNAL_TEST_SECONDS (default 20) for each part; it says how many it did.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, inParallel, runCli, snapshot, tempDir } from './helpers/cli.ts';

const RUNS = Math.max(20, Math.round(Number(process.env.SIGNAL_RUNS ?? 300) / 4));
const KILLS = Math.max(8, Math.round(RUNS / 6));
const BUDGET_MS = Number(process.env.SIGNAL_TEST_SECONDS ?? 20) * 1000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const straceWorks = spawnSync('strace', ['-qq', '-o', '/dev/null', 'true']).status === 0;

type Command = 'update' | 'adopt';
const ARGS: Record<Command, string[]> = {
  update: ['--update', '--no-interactive', '--scaling', 'always-on', '--regions', 'iad,lhr', '--postgres', 'none'],
  adopt: ['--adopt', '--no-interactive'],
};
const DONE_LINE: Record<Command, RegExp> = {
  update: /^Cancelled: the files are updated; the uv commands did not finish/,
  adopt: /^Cancelled: our files are written/,
};

/** The project before (a generated one, or the adopt fixture), the same after one whole run, and how long a run takes, plain and slowed. */
async function prepare(command: Command): Promise<{ template: string; complete: Map<string, string>; plainMs: number; slowMs: number }> {
  const root = tempDir(`cff-sig-${command}-`);
  let template: string;
  if (command === 'update') {
    assert.equal(runCli(['app', '--yes', '--no-git', '--no-lock'], { cwd: root }).status, 0);
    template = join(root, 'app');
  } else {
    template = join(root, 'flat');
    cpSync(new URL('./fixtures/adopt/flat', import.meta.url).pathname, template, { recursive: true });
  }
  const whole = copy(template);
  const run = runCli(ARGS[command], { cwd: whole });
  assert.equal(run.status, 0, run.stderr);
  const took = async (slow: boolean) => {
    const start = Date.now();
    await runAndSignal(copy(template), command, 'SIGCONT', 1e9, slow);
    return Date.now() - start;
  };
  return { template, complete: snapshot(whole), plainMs: await took(false), slowMs: straceWorks ? await took(true) : 0 };
}

function copy(template: string): string {
  const dir = join(tempDir('cff-sig-copy-'), 'project');
  cpSync(template, dir, { recursive: true });
  return dir;
}

interface Outcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** The CLI in `dir`, sent `signal` after `delayMs` (to node itself, under strace when `slow`). */
function runAndSignal(dir: string, command: Command, signal: NodeJS.Signals, delayMs: number, slow: boolean): Promise<Outcome> {
  const argv = slow
    ? ['strace', '-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename,renameat,renameat2', '-e', 'inject=rename,renameat,renameat2:delay_enter=20000', process.execPath, CLI, ...ARGS[command]]
    : [process.execPath, CLI, ...ARGS[command]];
  return new Promise((done) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, env: { ...process.env, CI: '1', NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      if (signal === 'SIGCONT') return;
      // Under strace, node is strace's child: the signal goes to node, as a terminal's would.
      const node = slow ? Number(spawnSync('pgrep', ['-P', String(child.pid), 'node'], { encoding: 'utf8' }).stdout.trim().split('\n')[0]) : child.pid;
      try {
        if (node) process.kill(node, signal);
      } catch {
        // Already finished.
      }
    }, delayMs);
    child.on('close', (status, killedBy) => {
      clearTimeout(timer);
      done({ status, signal: killedBy, stderr });
    });
  });
}

function leftovers(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((name) => /\.create-fly-fastapi-\d+$|create-fly-fastapi\.lock/.test(name));
}

const same = (a: Map<string, string>, b: Map<string, string>) => JSON.stringify([...a]) === JSON.stringify([...b]);
const tally = new Map<string, number>();
const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);

describe('signals during --update and --adopt', () => {
  after(() => console.log(`update/adopt signal test:\n${[...tally].sort().map(([key, n]) => `  ${key.padEnd(52)} ${n}`).join('\n')}`));

  for (const command of ['update', 'adopt'] as Command[]) {
    it(`${command}: SIGINT, SIGTERM, SIGHUP at random moments (some between slowed renames): the old tree or the new, a true last line, nothing left`, { timeout: BUDGET_MS + 60_000 }, async () => {
      const { template, complete, plainMs, slowMs } = await prepare(command);
      const before = snapshot(template);
      const deadline = Date.now() + BUDGET_MS;
      const problems: string[] = [];
      const runs = Array.from({ length: RUNS }, (_, index) => index);
      await inParallel(runs, 3, async (index) => {
        if (Date.now() > deadline) return;
        const slow = straceWorks && index % 3 === 0;
        const signal = SIGNALS[index % 3]!;
        // Anywhere in a run's span, weighted to its second half, where the writing is.
        const span = slow ? slowMs : plainMs;
        const delay = Math.floor(span * (index % 2 ? Math.random() : 0.5 + Math.random() * 0.5));
        const dir = copy(template);
        const outcome = await runAndSignal(dir, command, signal, delay, slow);
        const tree = snapshot(dir);
        const last = outcome.stderr.trim().split('\n').at(-1) ?? '';
        const kind = `${command} ${slow ? 'slowed ' : ''}${signal}`;
        if (outcome.status === 0) {
          count(`${kind}: finished first`);
          if (!same(tree, complete)) problems.push(`${kind} +${delay} ms: exit 0 but not the complete tree`);
        } else if (outcome.status === CODES[signal]) {
          if (last === 'Cancelled: nothing was written.') {
            count(`${kind}: stopped, nothing written`);
            if (!same(tree, before)) problems.push(`${kind} +${delay} ms: "nothing was written", but the project changed`);
          } else if (DONE_LINE[command].test(last)) {
            count(`${kind}: stopped, files in place`);
            if (!same(tree, complete)) problems.push(`${kind} +${delay} ms: "${last}", but not the complete tree`);
          } else problems.push(`${kind} +${delay} ms: exit ${outcome.status} with the last line ${JSON.stringify(last)}`);
        } else if (outcome.signal === signal && outcome.stderr === '') {
          // Before node had run a line of ours (its own start-up): the signal's default, and nothing can have been written.
          count(`${kind}: before node ran our code`);
          if (!same(tree, before)) problems.push(`${kind} +${delay} ms: killed before our code ran, but the project changed`);
        } else problems.push(`${kind} +${delay} ms: exit ${outcome.status} (${outcome.signal}), stderr ${JSON.stringify(outcome.stderr)}`);
        const left = leftovers(dir);
        if (left.length > 0) problems.push(`${kind} +${delay} ms: left ${left.join(', ')}`);
      });
      assert.deepEqual(problems, []);
    });

    it(`${command}: after a SIGKILL at a random moment, the next run completes and removes what the killed one left`, { timeout: BUDGET_MS + 60_000 }, async () => {
      const { template, complete, plainMs, slowMs } = await prepare(command);
      const problems: string[] = [];
      const deadline = Date.now() + BUDGET_MS;
      await inParallel(Array.from({ length: KILLS }, (_, index) => index), 2, async (index) => {
        if (Date.now() > deadline) return;
        const slow = straceWorks && index % 2 === 0;
        const dir = copy(template);
        const delay = Math.floor((slow ? slowMs : plainMs) * (0.4 + Math.random() * 0.6));
        await runAndSignal(dir, command, 'SIGKILL', delay, slow);
        const partial = !same(snapshot(dir), complete);
        count(`${command} ${slow ? 'slowed ' : ''}SIGKILL: ${partial ? 'then a second run' : 'finished first'}`);
        if (partial) {
          const again = runCli(ARGS[command], { cwd: dir });
          // The next adopt may find the killed one finished by its own recovery (the journal): then the record is there, and it says so.
          const finishedByRecovery = command === 'adopt' && again.status === 8 && /already has our record; run --update/.test(again.stderr) && same(snapshot(dir), complete);
          if (finishedByRecovery) count('adopt SIGKILL: finished by the next run\'s recovery');
          else if (again.status !== 0) problems.push(`SIGKILL +${delay} ms, then: exit ${again.status}: ${again.stderr.trim()}`);
        }
        if (!same(snapshot(dir), complete)) problems.push(`SIGKILL +${delay} ms: the project is not complete after the next run`);
        const left = leftovers(dir);
        if (left.length > 0) problems.push(`SIGKILL +${delay} ms: left ${left.join(', ')}`);
      });
      assert.deepEqual(problems, []);
    });
  }
});
