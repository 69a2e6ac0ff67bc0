/**
 * The interactive experience, in a real terminal: the built CLI runs in tmux,
 * keys are sent the way a user types them and the screen is read back. Runs
 * that do not depend on each other go in parallel, each with its own tmux
 * server, to keep this file quick.
 *
 * Set SCREENS_DIR to keep the screens of the happy path and of a cancellation
 * as text files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { parseArgs } from '../src/options/args.ts';
import { helpText } from '../src/options/help.ts';
import { resolveOptions } from '../src/options/resolve.ts';
import { fitCommand, fitStep, wrapText } from '../src/ui/format.ts';
import { colourWanted } from '../src/ui/terminal.ts';
import { CLI, entries, runCli, tempDir } from './helpers/cli.ts';
import { prepareAdoption } from '../src/runs/adopt.ts';

const ADOPT_FIXTURE = new URL('./fixtures/adopt/flat', import.meta.url).pathname;
import { Terminal, tmuxMissing } from './helpers/tmux.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const FAST = ['--no-lock', '--no-git'];
/** The start of every colour or attribute sequence. */
const ESCAPE = /\u001B\[/;
/** Runs in parallel, each in its own tmux; skipped loudly without tmux unless E2E_REQUIRED=1. */
const IN_TMUX = { concurrency: true, timeout: 60_000, skip: process.env.E2E_REQUIRED === '1' ? false : tmuxMissing };

function saveScreen(name: string, screen: string): void {
  const dir = process.env.SCREENS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.txt`), screen);
}

/** A prompt: the text that shows it is up, what must be on screen then, and a non-default answer. */
interface Prompt {
  name: string;
  question: string;
  shows?: string[];
  answer(terminal: Terminal): void;
}

/**
 * Every prompt of a run in an empty folder, in order, each answered with
 * something other than its default, except launch: "yes" needs flyctl and an
 * account, and fly launch has tests of its own.
 */
const PROMPTS: Prompt[] = [
  {
    name: 'directory',
    question: 'Where should the project be created?',
    shows: ['fly-fastapi-app'],
    answer: (t) => {
      t.type('svc');
      t.keys('Enter');
    },
  },
  {
    name: 'Postgres',
    question: 'Does the service need Postgres?',
    shows: ['● Fly Managed Postgres (Fly runs backups and failover; a monthly bill, even while the app sleeps)'],
    answer: (t) => t.keys('Down', 'Enter'),
  },
  {
    name: 'scaling',
    question: 'What should happen when no requests come in?',
    shows: ['● Suspend (no Machine bill while idle; wakes in a few hundred ms (memory up to 2 GB))'],
    answer: (t) => t.keys('Down', 'Down', 'Enter'),
  },
  {
    name: 'Machines count',
    question: 'How many Machines should stay on',
    shows: ['Each is billed around the clock.'],
    answer: (t) => {
      t.type('2');
      t.keys('Enter');
    },
  },
  {
    name: 'primary region',
    question: 'Primary region (where Fly Postgres will run)',
    shows: ['● iad  Ashburn, Virginia (US)'],
    answer: (t) => t.keys('Down', 'Enter'),
  },
  {
    name: 'extra regions',
    question: 'Extra regions?',
    shows: ['writes are replayed to jnb', 'ams  Amsterdam, Netherlands'],
    answer: (t) => t.keys('Space', 'Enter'),
  },
  {
    name: 'workflows',
    question: 'Add GitHub Actions?',
    shows: ['main deploys once a FLY_API_TOKEN secret is set'],
    answer: (t) => t.keys('Right', 'Enter'),
  },
  {
    name: 'launch',
    question: 'Create the Fly app now',
    shows: ['The database is created too, and billed from then on.'],
    answer: (t) => t.keys('Enter'),
  },
  {
    name: 'summary',
    question: 'Create it?',
    shows: ['Regions     jnb (primary), ams', 'Change my answers'],
    answer: (t) => t.keys('Enter'),
  },
];

/** The screen as running text: clack wraps to the width, and the checks should not depend on where. */
function flat(screen: string): string {
  return screen
    .split('\n')
    .map((line) => line.replace(/^[│|] ?/, ''))
    .join(' ')
    .replace(/\s+/g, ' ');
}

/** Waits for a prompt and checks it shows what it should. */
async function reach(terminal: Terminal, prompt: Prompt): Promise<string> {
  const screen = await terminal.waitFor(prompt.question);
  for (const text of prompt.shows ?? []) assert.ok(flat(screen).includes(flat(text)), `${prompt.name}: expected ${text} on\n${screen}`);
  return screen;
}

/** Answers prompts `from` to `to` (not included). */
async function answer(terminal: Terminal, from: number, to: number): Promise<void> {
  for (const prompt of PROMPTS.slice(from, to)) {
    await reach(terminal, prompt);
    prompt.answer(terminal);
  }
}

/** Lines a terminal wrapped by itself lose clack's guide; every line we draw starts with a symbol. */
function assertGuided(screen: string, symbols = '┌│◇◆■▲●└├◒◐◓◑'): void {
  for (const line of screen.split('\n')) {
    if (line === '') continue;
    assert.ok(symbols.includes(line[0]!), `a line without a guide symbol: ${JSON.stringify(line)} in\n${screen}`);
  }
}

function assertCancelled(screen: string): void {
  const lines = screen.trimEnd().split('\n');
  assert.match(lines.at(-1)!, /Cancelled: nothing was written\.$/, screen);
  assert.equal(lines.filter((line) => line.includes('Cancelled')).length, 1, screen);
}

/** A tool that starts, says so, and hangs until it is interrupted. */
function slowTool(name: string): { bin: string; started: string } {
  const bin = join(tempDir('cff-bin-'), 'bin');
  mkdirSync(bin);
  const started = join(bin, `${name}.started`);
  writeFileSync(join(bin, name), `#!/bin/sh\necho "${name}: resolving, slowly"\ntouch '${started}'\nexec sleep 30\n`);
  chmodSync(join(bin, name), 0o755);
  return { bin, started };
}

async function waitForFile(path: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readToml(path: string): Record<string, any> {
  return parse(readFileSync(path, 'utf8')) as Record<string, any>;
}

describe('terminal layout', () => {
  it('wraps words and breaks commands only between arguments', () => {
    assert.deepEqual(wrapText('one two three four', 9), ['one two', 'three', 'four']);
    const command = "fly secrets set DATABASE_URL='postgresql://u:p w@h/db' --app my-api --stage";
    const lines = fitCommand(command, 48);
    assert.ok(lines.every((line) => line.length <= 48), lines.join('\n'));
    assert.ok(lines.slice(0, -1).every((line) => line.endsWith(' \\')));
    assert.equal(lines.map((line) => line.replace(/ \\$/, '').trim()).join(' '), command, 'the quoted value stays whole');
    assert.ok(lines.some((line) => line.includes('--app my-api')), 'a flag keeps its value');
  });

  it('keeps a comment beside its command when there is room, above it otherwise', () => {
    const step = 'uv run fastapi dev            # http://127.0.0.1:8000/docs';
    assert.deepEqual(fitStep(step, 80), [step]);
    assert.deepEqual(fitStep(step, 54), ['# http://127.0.0.1:8000/docs', 'uv run fastapi dev']);
    const lock = 'uv lock                       # the Docker build needs uv.lock (uv sync --locked)';
    assert.deepEqual(fitStep(lock, 60), [
      'uv lock                       # the Docker build needs',
      '                              # uv.lock (uv sync --locked)',
    ]);
  });

  it('decides colour the way Node does: FORCE_COLOR, then NO_COLOR and TERM=dumb, then the terminal', () => {
    const tty = { isTTY: true, hasColors: () => true };
    assert.equal(colourWanted({}, tty), true);
    assert.equal(colourWanted({}, {}), false);
    assert.equal(colourWanted({ NO_COLOR: '1' }, tty), false);
    assert.equal(colourWanted({ TERM: 'dumb' }, tty), false);
    assert.equal(colourWanted({ FORCE_COLOR: '0' }, tty), false);
    assert.equal(colourWanted({ FORCE_COLOR: '1' }, {}), true);
    assert.equal(colourWanted({ FORCE_COLOR: '1', NO_COLOR: '1' }, {}), true);
  });

  it('--help fits 80 columns and each of its examples runs without a terminal', async () => {
    const text = helpText(VERSION);
    for (const line of text.split('\n')) assert.ok(line.length <= 80, `too wide: ${line}`);
    const examples = text
      .replace(/ \\\n\s+/g, ' ')
      .split('\n')
      .filter((line) => /^ {2}(npm|npx) /.test(line));
    assert.ok(examples.length >= 3, text);
    for (const example of examples) {
      const words = example.trim().split(/\s+/);
      const argv = words.slice(words.findIndex((word) => /^(create-)?fly-fastapi(@latest)?$/.test(word)) + 1).filter((word) => word !== '--');
      const { given, run } = parseArgs(argv);
      const env = { hasGit: true, hasUv: true, insideGitRepo: false };
      // An --adopt example runs on a project: a fixture stands in for '.'.
      if (run.adopt) await assert.doesNotReject(prepareAdoption({ given: { ...given, directory: ADOPT_FIXTURE } }), example);
      else await assert.doesNotReject(resolveOptions(given, { env, yes: run.yes }), example);
    }
  });

  it('FORCE_COLOR colours even piped output, over NO_COLOR; piped output is plain otherwise', () => {
    const plain = runCli(['svc', '--yes', ...FAST], { cwd: tempDir(), env: { NO_COLOR: undefined } });
    const coloured = runCli(['svc', '--yes', ...FAST], { cwd: tempDir(), env: { FORCE_COLOR: '1' } });
    assert.equal(coloured.status, 0, coloured.stderr);
    assert.match(coloured.stdout, ESCAPE);
    assert.doesNotMatch(plain.stdout, ESCAPE);
  });
});

describe('in a terminal', IN_TMUX, () => {
  it('asks every question with hints and defaults, and writes what was chosen (60 columns)', async () => {
    const cwd = tempDir();
    const terminal = Terminal.start({ cwd, args: FAST, width: 60, height: 40 });
    try {
      const first = await terminal.waitFor(PROMPTS[0]!.question);
      assert.match(first, new RegExp(`^┌  create-fly-fastapi ${VERSION.replaceAll('.', '\\.')}`));
      saveScreen('happy-1-first-question', first);
      await answer(terminal, 0, 2);
      saveScreen('happy-2-scaling', await terminal.waitFor(PROMPTS[2]!.question));
      await answer(terminal, 2, 5);
      // The extra regions prompt, answered in two steps to see the pick before it is confirmed.
      await reach(terminal, PROMPTS[5]!);
      terminal.keys('Space');
      saveScreen('happy-3-extra-regions', await terminal.waitFor('◼ ams'));
      terminal.keys('Enter');
      await answer(terminal, 6, 8);
      saveScreen('happy-4-summary', await reach(terminal, PROMPTS[8]!));
      PROMPTS[8]!.answer(terminal);
      assert.equal(await terminal.exitCode(), 0);
      const screen = terminal.screen();
      saveScreen('happy-5-end', screen);
      assertGuided(screen);
      assert.match(screen, /◇ {2}Writing the project/);
      assert.match(screen, /◇ {2}Next steps/);
      assert.match(screen, /│ {2}fly postgres attach svc-db --yes +│/);
      assert.match(screen, /└ {2}Created svc in \.\/svc/);
      const rerun = screen
        .slice(screen.indexOf('To skip the prompts next time, run:'))
        .split('\n')
        .slice(1)
        .filter((line) => line.startsWith('│  ') && line.trim() !== '│')
        .map((line) => line.slice(3).replace(/ \\$/, '').trim())
        .join(' ');
      assert.equal(
        rerun,
        'npm create fly-fastapi@latest svc -- --name svc --postgres unmanaged --scaling warm --min-machines 2 --regions jnb,ams --python 3.14 --no-workflows --no-launch --no-git --no-lock',
      );

      const project = join(cwd, 'svc');
      const fly = readToml(join(project, 'fly.toml'));
      assert.equal(fly.app, 'svc');
      assert.equal(fly.primary_region, 'jnb');
      assert.equal(fly.http_service.auto_stop_machines, 'stop');
      assert.equal(fly.http_service.min_machines_running, 2);
      assert.equal(fly.deploy.release_command, 'alembic upgrade head');
      for (const path of ['app/platform/replay.py', 'app/db.py', 'migrations/env.py', '.env.example']) assert.ok(existsSync(join(project, path)), path);
      assert.ok(!existsSync(join(project, '.github')), 'no workflows after answering no');
      assert.ok(!existsSync(join(project, 'uv.lock')) && !existsSync(join(project, '.git')));
      assert.deepEqual(entries(cwd), ['svc']);
    } finally {
      terminal.close();
    }
  });

  it('goes back from the summary, shows the changed answer, and writes it', async () => {
    const cwd = tempDir();
    const terminal = Terminal.start({ cwd, args: ['svc', ...FAST] });
    try {
      const defaults = ['Does the service need Postgres?', 'What should happen', 'Primary region', 'Extra regions?', 'Add GitHub Actions?', 'Create the Fly app now'];
      for (const question of defaults) {
        const screen = await terminal.waitFor(question);
        if (question === 'Primary region') {
          // Managed Postgres: only its regions, so jnb (next to iad in the list) is not offered.
          assert.match(screen, /● iad {2}Ashburn, Virginia \(US\)\n│ {2}○ lax {2}Los Angeles/);
          assert.doesNotMatch(screen, /jnb/);
        }
        terminal.keys('Enter');
      }
      const first = await terminal.waitFor('Create it?');
      assert.match(first, /Postgres {4}Fly Managed Postgres/);
      terminal.keys('Down', 'Enter');
      await terminal.waitFor('Does the service need Postgres?', { times: 2 });
      terminal.keys('Down', 'Down', 'Down', 'Enter');
      for (const question of defaults.slice(1)) {
        await terminal.waitFor(question, { times: 2 });
        terminal.keys('Enter');
      }
      const second = await terminal.waitFor('Create it?', { times: 2 });
      assert.match(second.slice(second.indexOf('Change my answers')), /Postgres {4}none/);
      terminal.keys('Enter');
      assert.equal(await terminal.exitCode(), 0);
      const project = join(cwd, 'svc');
      assert.equal((readToml(join(project, 'fly.toml')).deploy as { release_command?: string }).release_command, undefined, 'no release command without a database');
      assert.ok(!existsSync(join(project, 'migrations')));
      assert.doesNotMatch(readFileSync(join(project, 'pyproject.toml'), 'utf8'), /sqlalchemy/i);
    } finally {
      terminal.close();
    }
  });

  for (const [what, env, coloured] of [
    ['colours by default', {}, true],
    ['honours NO_COLOR', { NO_COLOR: '1' }, false],
    ['honours FORCE_COLOR=0', { FORCE_COLOR: '0' }, false],
  ] as const) {
    it(`${what}, in prompts and in a cancelled answer`, async () => {
      const terminal = Terminal.start({ cwd: tempDir(), args: FAST, env });
      try {
        await terminal.waitFor('Where should the project be created?');
        const prompt = terminal.styledScreen();
        terminal.keys('C-c');
        assert.equal(await terminal.exitCode(), 130);
        const cancelled = terminal.styledScreen();
        // A cancelled answer is struck through with a list of styles, which Node 20 colours even under NO_COLOR.
        for (const screen of [prompt, cancelled]) assert.equal(ESCAPE.test(screen), coloured, JSON.stringify(screen));
      } finally {
        terminal.close();
      }
    });
  }

  it('shows where uv lock failed: its last lines, then the project anyway (exit 4)', async () => {
    const cwd = tempDir();
    const bin = join(tempDir('cff-bin-'), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'uv'), '#!/bin/sh\necho "Resolving dependencies"\necho "error: No solution found: fastapi>=99 is unavailable" >&2\nexit 1\n');
    chmodSync(join(bin, 'uv'), 0o755);
    const terminal = Terminal.start({ cwd, args: ['svc', '--yes', '--lock', '--no-git'], pathPrefix: bin, width: 60 });
    try {
      assert.equal(await terminal.exitCode(), 4);
      const screen = terminal.screen();
      assert.match(screen, /▲ {2}Locking dependencies \(uv lock\) failed\n│ {2}Resolving dependencies\n│ {2}error: No solution found: fastapi>=99 is unavailable\n/);
      assert.match(flat(screen), /uv lock failed; run it yourself in the project before deploying/);
      assertGuided(screen);
      assert.ok(existsSync(join(cwd, 'svc', 'fly.toml')));
    } finally {
      terminal.close();
    }
  });

  it('refuses a non-empty directory: typed, at the prompt; given, before any question', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'notes.txt'), 'mine');
    const typed = Terminal.start({ cwd, args: FAST });
    const given = Terminal.start({ cwd, args: ['taken', ...FAST] });
    try {
      await typed.waitFor('Where should the project be created?');
      typed.type('taken');
      typed.keys('Enter');
      await typed.waitFor('taken is not empty (1 entries): choose another, or run again with --force');
      typed.keys('BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace');
      typed.type('svc');
      typed.keys('Enter');
      await typed.waitFor('Does the service need Postgres?');
      typed.keys('C-c');
      assert.equal(await typed.exitCode(), 130);

      assert.equal(await given.exitCode(), 3);
      // One line, which the terminal wraps at its width.
      assert.equal(given.screen().replaceAll('\n', ''), 'create-fly-fastapi: taken is not empty (1 entries); use another directory, or --force to add to it');
      assert.deepEqual(entries(cwd), ['taken']);
      assert.deepEqual(entries(join(cwd, 'taken')), ['notes.txt']);
    } finally {
      typed.close();
      given.close();
    }
  });

  it('draws with ASCII symbols where clack finds no Unicode (TERM=linux), and Cancel at the summary cancels', async () => {
    const cwd = tempDir();
    const terminal = Terminal.start({ cwd, args: ['svc', ...FAST], env: { TERM: 'linux' } });
    try {
      for (const question of ['Does the service need Postgres?', 'What should happen', 'Primary region']) {
        await terminal.waitFor(question);
        terminal.keys('Enter');
      }
      await terminal.waitFor('Extra regions? Optional');
      terminal.keys('Space');
      const extras = await terminal.waitFor('[+] ams');
      assert.match(flat(extras), /space picks, enter goes on/);
      terminal.keys('Enter');
      for (const question of ['Add GitHub Actions?', 'Create the Fly app now']) {
        await terminal.waitFor(question);
        terminal.keys('Enter');
      }
      await terminal.waitFor('Create it?');
      terminal.keys('Down', 'Down', 'Enter');
      assert.equal(await terminal.exitCode(), 130);
      const screen = terminal.screen();
      assert.match(screen, /^T {2}create-fly-fastapi/);
      assert.match(screen, /^o {2}Does the service need Postgres\?$/m);
      assert.match(screen, /^\+-+\+$/m, 'the summary box');
      // Box drawing, geometric shapes and arrows: what a console font without Unicode lacks.
      assert.doesNotMatch(screen, /[\u2190-\u21FF\u2500-\u25FF]/, screen);
      assertGuided(screen, 'T|o*x+—');
      assertCancelled(screen);
      assert.deepEqual(entries(cwd), []);
    } finally {
      terminal.close();
    }
  });
});

describe('Ctrl-C at every prompt: exit 130, one line, nothing written', IN_TMUX, () => {
  for (const [index, prompt] of PROMPTS.entries()) {
    it(`at the ${prompt.name} prompt`, async () => {
      const cwd = tempDir();
      const terminal = Terminal.start({ cwd, args: FAST });
      try {
        await answer(terminal, 0, index);
        await terminal.waitFor(prompt.question);
        terminal.keys('C-c');
        assert.equal(await terminal.exitCode(), 130);
        const screen = terminal.screen();
        assert.ok(screen.includes(`■  ${prompt.question}`), `the ${prompt.name} prompt is shown as cancelled:\n${screen}`);
        assertCancelled(screen);
        if (index === 0) saveScreen('cancel-at-first-prompt', screen);
        assert.deepEqual(entries(cwd), []);
      } finally {
        terminal.close();
      }
    });
  }
});

describe('Ctrl-C during a long step: exit 130, the target as it was, no staging folder', IN_TMUX, () => {
  it('a kill (SIGTERM) during uv lock is undone the same way, exit 143', async () => {
    const cwd = tempDir();
    const { bin, started } = slowTool('uv');
    const child = spawn(process.execPath, [CLI, 'svc', '--yes', '--lock', '--no-git'], {
      cwd,
      env: { ...process.env, CI: '1', PATH: `${bin}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitForFile(started);
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    assert.match(stderr, /Cancelled: nothing was written\.\n$/);
    assert.deepEqual(entries(cwd), []);
  });

  it('uv lock dying of the Ctrl-C before we see it counts as a cancel, not a failure', async () => {
    const cwd = tempDir();
    const bin = join(tempDir('cff-bin-'), 'bin');
    mkdirSync(bin);
    // The terminal signals the whole group; this is the order where the tool goes first.
    writeFileSync(join(bin, 'uv'), '#!/bin/sh\necho "uv: resolving"\nkill -INT $$\n');
    chmodSync(join(bin, 'uv'), 0o755);
    const terminal = Terminal.start({ cwd, args: ['svc', '--yes', '--lock', '--no-git'], pathPrefix: bin });
    try {
      assert.equal(await terminal.exitCode(), 130);
      const screen = terminal.screen();
      assertCancelled(screen);
      assert.match(screen, /■ {2}Locking dependencies \(uv lock\)\n│\n└/);
      assert.doesNotMatch(screen, /failed/);
      assert.deepEqual(entries(cwd), []);
    } finally {
      terminal.close();
    }
  });

  const cases = [
    { name: 'uv lock, new directory', tool: 'uv', args: ['svc', '--yes', '--lock', '--no-git'], before: undefined },
    { name: 'uv lock, existing empty directory', tool: 'uv', args: ['svc', '--yes', '--lock', '--no-git'], before: 'svc' },
    { name: 'uv lock, missing parents', tool: 'uv', args: ['deep/er/svc', '--yes', '--lock', '--no-git'], before: undefined },
    { name: 'uv lock, plain output (--no-interactive)', tool: 'uv', args: ['svc', '--yes', '--lock', '--no-git', '--no-interactive'], before: undefined },
    { name: 'git init', tool: 'git', args: ['svc', '--yes', '--no-lock', '--git'], before: undefined },
  ];

  it('fly launch: the finished project stays, and the way to check for the app is given', async () => {
    const cwd = tempDir();
    const { bin, started } = slowTool('fly');
    const terminal = Terminal.start({ cwd, args: ['svc', '--yes', '--no-lock', '--no-git', '--launch'], pathPrefix: bin });
    try {
      await waitForFile(started);
      await terminal.waitFor('Creating the Fly app');
      terminal.keys('C-c');
      assert.equal(await terminal.exitCode(), 130);
      const lines = terminal.screen().trimEnd().split('\n');
      assert.match(lines.at(-1)!, /Cancelled during fly launch: \.\/svc is kept; see `fly apps list`\.$/);
      assert.equal(lines.filter((line) => line.includes('Cancelled')).length, 1);
      assert.deepEqual(entries(cwd), ['svc']);
      assert.ok(existsSync(join(cwd, 'svc', 'fly.toml')), 'the project is complete');
      saveScreen('cancel-during-fly-launch', terminal.screen());
    } finally {
      terminal.close();
    }
  });

  it('flyctl dying of the Ctrl-C before we see it counts as a cancel, not a failed launch', async () => {
    const cwd = tempDir();
    const bin = join(tempDir('cff-bin-'), 'bin');
    mkdirSync(bin);
    // The order where the tool goes first, as in the uv lock case above.
    writeFileSync(join(bin, 'fly'), '#!/bin/sh\nkill -INT $$\n');
    chmodSync(join(bin, 'fly'), 0o755);
    const terminal = Terminal.start({ cwd, args: ['svc', '--yes', '--no-lock', '--no-git', '--launch'], pathPrefix: bin });
    try {
      assert.equal(await terminal.exitCode(), 130);
      const screen = terminal.screen();
      assert.match(screen, /■ {2}Creating the Fly app \(fly launch --no-deploy\)\n│\n└ {2}Cancelled during fly launch: \.\/svc is kept; see `fly apps list`\.\n/);
      assert.doesNotMatch(screen, /not logged in|failed/);
      assert.deepEqual(entries(cwd), ['svc']);
    } finally {
      terminal.close();
    }
  });

  for (const { name, tool, args, before } of cases) {
    it(name, async () => {
      const cwd = tempDir();
      if (before) mkdirSync(join(cwd, before));
      const { bin, started } = slowTool(tool);
      const live = !args.includes('--no-interactive');
      const terminal = Terminal.start({ cwd, args, pathPrefix: bin, width: 60 });
      try {
        await waitForFile(started);
        // Live progress streams uv's output under the step (git says nothing worth showing).
        if (live && tool === 'uv') {
          const running = await terminal.waitFor('│  uv: resolving, slowly');
          if (name === 'uv lock, new directory') saveScreen('during-uv-lock', running);
        }
        terminal.keys('C-c');
        assert.equal(await terminal.exitCode(), 130);
        const screen = terminal.screen();
        assertCancelled(screen);
        if (live) assert.match(screen, tool === 'uv' ? /■ {2}Locking dependencies \(uv lock\)/ : /■ {2}Creating a git repository/);
        if (name === 'uv lock, new directory') saveScreen('cancel-during-uv-lock', screen);
        assert.deepEqual(entries(cwd), before ? [before] : [], 'no staging folder, no created parents');
        if (before) assert.deepEqual(entries(join(cwd, before)), []);
      } finally {
        terminal.close();
      }
    });
  }
});

describe('in a terminal, on a folder that is already a project', IN_TMUX, () => {
  it('offers --adopt, shows what it found, and writes only our files once confirmed', async () => {
    const cwd = join(tempDir(), 'flat');
    cpSync(ADOPT_FIXTURE, cwd, { recursive: true });
    const before = readFileSync(join(cwd, 'main.py'), 'utf8');
    const terminal = Terminal.start({ cwd, args: [], width: 100, height: 50 });
    try {
      await terminal.waitFor('holds a pyproject.toml: add our Dockerfile, fly.toml and checks to it (--adopt)?');
      terminal.keys('Enter');
      const shown = await terminal.waitFor('Write these files?');
      assert.match(shown, /entrypoint\s+main:app, from a FastAPI app in main\.py/);
      assert.match(shown, /health check\s+GET \/health/);
      assert.ok(!existsSync(join(cwd, 'Dockerfile')), 'nothing is written before the confirmation');
      terminal.keys('Enter');
      assert.equal(await terminal.exitCode(), 0);
      assert.ok(existsSync(join(cwd, 'Dockerfile')) && existsSync(join(cwd, 'fly.toml')));
      assert.equal(readFileSync(join(cwd, 'main.py'), 'utf8'), before);
    } finally {
      terminal.close();
    }
  });
});
