/**
 * The target as an attacker or a clumsy user leaves it: links, FIFOs, files
 * where folders go, read-only parents, long names, a run already at work, the
 * leftovers of a killed run. Each: the right exit code, one line in the user's
 * terms, nothing written, nothing followed out of the target.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, entries, runCli, tempDir } from './helpers/cli.ts';

const FAST = ['--yes', '--no-lock', '--no-git', '--no-launch'];

function oneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
}

/** Why the CLI cannot be run as another user here: not root, or a Node that user cannot execute (one under /root). */
function nobodySkip(): string | false {
  if (process.getuid?.() !== 0) return 'needs root to run the CLI as another user';
  const probe = spawnSync(process.execPath, ['-e', ''], { uid: 65534, gid: 65534 });
  return probe.status === 0 ? false : `${process.execPath} cannot be run by uid 65534 (${probe.error?.message ?? `exit ${probe.status}`})`;
}

/** The pid of a process that has exited: a run with it as owner is dead. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A fake uv that takes `seconds`, then writes uv.lock (and touches `also`, if given). */
export function slowUv(dir: string, seconds: number, also?: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const touch = also ? `touch '${also}'\n` : '';
  writeFileSync(join(bin, 'uv'), `#!/bin/sh\necho resolving\nsleep ${seconds}\n${touch}echo 'version = 1' > uv.lock\n`);
  chmodSync(join(bin, 'uv'), 0o755);
  return bin;
}

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  assert.equal(made.status, 0, 'mkfifo');
}

describe('target problems: one line, the contract code, nothing written', () => {
  it('a dangling symbolic link as the target: exit 3, in --dry-run too', () => {
    const cwd = tempDir();
    symlinkSync(join(cwd, 'missing'), join(cwd, 'api'));
    for (const extra of [[], ['--dry-run']]) {
      const run = runCli(['api', ...FAST, ...extra], { cwd });
      assert.equal(run.status, 3, run.stderr);
      oneLine(run.stderr, /^create-fly-fastapi: api is a symbolic link to .*missing, which does not exist$/);
      assert.deepEqual(entries(cwd), ['api']);
    }
  });

  it('a parent that is a file: exit 3 naming it', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'notes'), 'x');
    const run = runCli(['notes/api', ...FAST], { cwd });
    assert.equal(run.status, 3, run.stderr);
    oneLine(run.stderr, /^create-fly-fastapi: cannot create notes\/api: notes is a file, not a folder$/);
    assert.deepEqual(entries(cwd), ['notes']);
  });

  it('a read-only parent: exit 3 naming the user\'s folder, not the staging one', { skip: nobodySkip() }, () => {
    const cwd = tempDir();
    chmodSync(cwd, 0o755);
    const locked = join(cwd, 'ro');
    mkdirSync(locked, 0o555);
    for (const extra of [[], ['--dry-run']]) {
      const run = spawnSync(process.execPath, [CLI, 'ro/api', ...FAST, ...extra], { cwd, uid: 65534, gid: 65534, encoding: 'utf8', env: { ...process.env, CI: '', HOME: cwd } });
      assert.equal(run.status, 3, run.stderr);
      oneLine(run.stderr, /^create-fly-fastapi: cannot write in ro: permission denied$/);
      assert.doesNotMatch(run.stderr, /create-fly-fastapi-/);
      assert.deepEqual(entries(locked), []);
    }
  });

  it('a 240-character folder name works: the staging name fits NAME_MAX', () => {
    const cwd = tempDir();
    const name = 'a'.repeat(240);
    const run = runCli([name, '--name', 'long-one', ...FAST], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(entries(cwd), [name]);
    assert.ok(existsSync(join(cwd, name, 'fly.toml')));
  });

  it('--dry-run exits 3 wherever the real run does', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'full'));
    writeFileSync(join(cwd, 'full', 'README.md'), 'mine');
    const plain = runCli(['full', ...FAST, '--dry-run'], { cwd });
    assert.equal(plain.status, 3, plain.stderr);
    oneLine(plain.stderr, /full is not empty/);
    const forced = runCli(['full', ...FAST, '--force', '--dry-run'], { cwd });
    assert.equal(forced.status, 3, forced.stderr);
    oneLine(forced.stderr, /--force never overwrites: full already has different README.md$/);
    assert.equal(plain.stdout + forced.stdout, '');
  });
});

describe('--force never writes through a link nor replaces what is not a regular file', () => {
  it('a symlinked app/ pointing outside: exit 3, nothing written outside', () => {
    const cwd = tempDir();
    const outside = join(cwd, 'outside');
    mkdirSync(outside);
    mkdirSync(join(cwd, 'svc'));
    symlinkSync(outside, join(cwd, 'svc', 'app'));
    const run = runCli(['svc', ...FAST, '--force'], { cwd });
    assert.equal(run.status, 3, run.stderr);
    oneLine(run.stderr, /--force never overwrites: svc already has app \(a symbolic link where the project needs a folder\)$/);
    assert.deepEqual(entries(outside), []);
    assert.deepEqual(entries(join(cwd, 'svc')), ['app']);
    assert.deepEqual(entries(cwd), ['outside', 'svc']);
  });

  it('app being a file: exit 3', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    writeFileSync(join(cwd, 'svc', 'app'), 'mine');
    const run = runCli(['svc', ...FAST, '--force'], { cwd });
    assert.equal(run.status, 3, run.stderr);
    oneLine(run.stderr, /svc already has app \(a file where the project needs a folder\)$/);
    assert.equal(readFileSync(join(cwd, 'svc', 'app'), 'utf8'), 'mine');
  });

  it('a dangling symbolic link at a generated path is refused, not replaced', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    symlinkSync(join(cwd, 'nowhere'), join(cwd, 'svc', 'README.md'));
    const run = runCli(['svc', ...FAST, '--force'], { cwd });
    assert.equal(run.status, 3, run.stderr);
    oneLine(run.stderr, /svc already has README.md \(a symbolic link\)$/);
    assert.deepEqual(entries(join(cwd, 'svc')), ['README.md']);
    assert.ok(!existsSync(join(cwd, 'nowhere')));
  });

  it('a FIFO at a generated path is refused without opening it (no hang)', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    mkfifo(join(cwd, 'svc', 'Dockerfile'));
    const started = Date.now();
    const run = runCli(['svc', ...FAST, '--force'], { cwd });
    assert.equal(run.status, 3, run.stderr);
    oneLine(run.stderr, /svc already has Dockerfile \(a FIFO\)$/);
    assert.ok(Date.now() - started < 10_000);
  });

  it('an identical regular file is kept as it is; the rest is added', () => {
    const cwd = tempDir();
    const first = runCli(['one', ...FAST], { cwd });
    assert.equal(first.status, 0, first.stderr);
    mkdirSync(join(cwd, 'two'));
    const dockerfile = readFileSync(join(cwd, 'one', 'Dockerfile'));
    writeFileSync(join(cwd, 'two', 'Dockerfile'), dockerfile);
    const second = runCli(['two', ...FAST, '--force', '--name', 'one'], { cwd });
    assert.equal(second.status, 0, second.stderr);
    assert.ok(existsSync(join(cwd, 'two', 'app', 'main.py')));
  });
});

describe('one run per target; leftovers of killed runs', () => {
  it('a live run holding the lock: the second exits 3 with one line', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, '.api.create-fly-fastapi.lock'), String(process.pid));
    for (const extra of [[], ['--dry-run']]) {
      const run = runCli(['api', ...FAST, ...extra], { cwd });
      assert.equal(run.status, 3, run.stderr);
      oneLine(run.stderr, new RegExp(`^create-fly-fastapi: another create-fly-fastapi run \\(pid ${process.pid}\\) is writing api; try again when it has finished$`));
    }
    assert.deepEqual(entries(cwd), ['.api.create-fly-fastapi.lock']);
  });

  it('a lock and staging folders left by dead runs are removed; a live run\'s are kept', () => {
    const cwd = tempDir();
    const dead = deadPid();
    writeFileSync(join(cwd, '.api.create-fly-fastapi.lock'), String(dead));
    mkdirSync(join(cwd, `.api.create-fly-fastapi-${dead}-0badf00d`, 'app'), { recursive: true });
    mkdirSync(join(cwd, `.other.create-fly-fastapi-${dead}-12345678`));
    mkdirSync(join(cwd, `.other.create-fly-fastapi-${process.pid}-12345678`));
    writeFileSync(join(cwd, '.gone.create-fly-fastapi.lock'), String(dead));
    const run = runCli(['api', ...FAST], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(entries(cwd), [`.other.create-fly-fastapi-${process.pid}-12345678`, 'api']);
  });

  for (const into of ['a new folder', 'an existing folder with --force'] as const) {
    it(`two runs at once into ${into}: one writes it, the other exits 3 with one line`, async () => {
      const cwd = tempDir();
      // A slow uv keeps both runs busy at the same time.
      const bin = slowUv(cwd, 0.5);
      const work = join(cwd, 'work');
      mkdirSync(work);
      const force = into === 'a new folder' ? [] : ['--force'];
      if (force.length > 0) {
        mkdirSync(join(work, 'api'));
        writeFileSync(join(work, 'api', 'keep.txt'), 'mine');
      }
      const runs = await Promise.all(
        [0, 1].map(
          () =>
            new Promise<{ status: number | null; stderr: string }>((done) => {
              const child = spawn(process.execPath, [CLI, 'api', '--yes', '--no-git', '--lock', ...force], {
                cwd: work,
                env: { ...process.env, CI: '', PATH: `${bin}:${process.env.PATH}` },
              });
              let stderr = '';
              child.stderr.on('data', (chunk) => (stderr += chunk));
              child.on('close', (status) => done({ status, stderr }));
            }),
        ),
      );
      assert.deepEqual(runs.map((run) => run.status).sort(), [0, 3], runs.map((run) => run.stderr).join('\n'));
      oneLine(runs.find((run) => run.status === 3)!.stderr, /another create-fly-fastapi run \(pid \d+\) is writing api/);
      assert.deepEqual(entries(work), ['api']);
      for (const path of ['uv.lock', 'fly.toml', 'app/main.py']) assert.ok(existsSync(join(work, 'api', path)), path);
    });
  }
});

describe('cancel while a tool runs', () => {
  it('SIGTERM during uv lock: the tool dies with us, nothing is written, the line says so', async () => {
    const cwd = tempDir();
    const late = join(cwd, 'uv-wrote-after-cancel');
    // A slow uv that would write a file after we are gone if it outlived us.
    const bin = slowUv(cwd, 2, late);
    const work = join(cwd, 'work');
    mkdirSync(work);
    const child = spawn(process.execPath, [CLI, 'api', '--yes', '--no-git', '--lock'], {
      cwd: work,
      env: { ...process.env, CI: '', PATH: `${bin}:${process.env.PATH}` },
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (/Locking dependencies/.test(out)) {
          clearInterval(poll);
          done();
        }
      }, 20);
    });
    await new Promise((done) => setTimeout(done, 200));
    child.kill('SIGTERM');
    const status = await new Promise((done) => child.on('close', (code) => done(code)));
    assert.equal(status, 143);
    assert.match(out, /Cancelled: nothing was written\.\n$/);
    assert.deepEqual(readdirSync(work), []);
    await new Promise((done) => setTimeout(done, 2500));
    assert.ok(!existsSync(late), 'uv outlived the run');
  });
});
