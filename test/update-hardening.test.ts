/**
 * The red team's reproductions against --update and --adopt
 * (REDTEAM-UPDATE-ADOPT-KITS.md, D1-D11, D27), each with the built CLI or the
 * API as a user would meet it: nothing outside the project is touched, a
 * `.bak` or `.new` is a planned write like any other, a failure halfway puts
 * everything back, two runs do not mix, and a run that changes nothing
 * refuses nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, runCliAsync, snapshot, tempDir } from './helpers/cli.ts';
import { EXIT } from '../src/errors.ts';

const ENV = { PATH: `${join(homedir(), '.local/bin')}:${process.env.PATH}` };
const RECORD = '.create-fly-fastapi/manifest.json';
const rootOnly = process.getuid?.() === 0 ? false : 'needs root (chattr, mount)';
const chattrWorks = rootOnly || (spawnSync('chattr', ['--help']).error ? 'chattr is not installed' : false);

function git(dir: string, ...args: string[]): void {
  const result = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
}

/** A generated project in `root`, committed when `withGit`. */
function generate(root = tempDir('cff-hard-'), withGit = true): string {
  const run = runCli(['app', '--yes', '--no-git', '--no-lock', '--no-interactive'], { cwd: root, env: ENV });
  assert.equal(run.status, 0, run.stderr);
  const dir = join(root, 'app');
  if (withGit) {
    git(dir, 'init', '--quiet', '--initial-branch=main');
    commit(dir);
  }
  return dir;
}

function commit(dir: string): void {
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--allow-empty', '-m', 'state');
}

function updateIn(dir: string, flags: string[]) {
  return runCli(['--update', '--no-interactive', ...flags], { cwd: dir, env: ENV });
}

/** fly.toml with a hand-set auto_stop_machines that `--scaling always-on` wants to change: a conflict. */
function editScaling(dir: string): void {
  const path = join(dir, 'fly.toml');
  writeFileSync(path, readFileSync(path, 'utf8').replace(/auto_stop_machines = ".*"/, 'auto_stop_machines = "off"'));
}

function editRecord(dir: string, change: (record: { files: Record<string, unknown>; answers: Record<string, unknown> }) => void): void {
  const path = join(dir, RECORD);
  const record = JSON.parse(readFileSync(path, 'utf8'));
  change(record);
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
}

/** Names in the project that a writer's temporary file or lock would have. */
function leftovers(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((name) => /create-fly-fastapi-\d+$|create-fly-fastapi\.lock/.test(name));
}

const oneLine = (stderr: string) => stderr.trim().split('\n').length === 1;

describe('--update touches nothing outside the project', () => {
  it('D1: a record path with .. is refused (exit 6), and the file outside stays', () => {
    const root = tempDir('cff-hard-');
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'victim'), 'precious\n');
    const dir = generate(root);
    editRecord(dir, (record) => {
      record.files['../outside/victim'] = { owner: 'create-fly-fastapi', mode: 'seed', sha256: createHash('sha256').update('precious\n').digest('hex') };
    });
    commit(dir);
    const run = updateIn(dir, []);
    assert.equal(run.status, EXIT.refused, run.stderr);
    assert.match(run.stderr, /manifest\.json: files\["\.\.\/outside\/victim"\] is not a plain path inside the project/);
    assert.ok(oneLine(run.stderr), run.stderr);
    assert.equal(readFileSync(join(root, 'outside', 'victim'), 'utf8'), 'precious\n');
  });

  for (const [name, path] of [['absolute', '/tmp/x'], ['NUL', 'a\u0000b'], ['backslash', 'app\\..\\..\\x']] as const) {
    it(`D1, D24: a record path that is ${name} is one line, exit 6`, () => {
      const dir = generate();
      editRecord(dir, (record) => {
        record.files[path] = { owner: 'create-fly-fastapi', mode: 'seed', sha256: '0'.repeat(64) };
      });
      commit(dir);
      const run = updateIn(dir, []);
      assert.equal(run.status, EXIT.refused, run.stderr);
      assert.ok(oneLine(run.stderr), run.stderr);
    });
  }

  it('D2: a fly.toml.bak that is a link is refused before anything is written; the file it points to stays', () => {
    const root = tempDir('cff-hard-');
    writeFileSync(join(root, 'victim'), 'precious-bak\n');
    const dir = generate(root);
    editScaling(dir);
    symlinkSync(join(root, 'victim'), join(dir, 'fly.toml.bak'));
    commit(dir);
    const before = snapshot(dir);
    const run = updateIn(dir, ['--scaling', 'always-on', '--on-conflict', 'overwrite']);
    assert.equal(run.status, EXIT.refused, run.stderr);
    assert.match(run.stderr, /^create-fly-fastapi: fly\.toml\.bak is a symbolic link, where the update would write fly\.toml\.bak: move it aside/);
    assert.equal(readFileSync(join(root, 'victim'), 'utf8'), 'precious-bak\n');
    assert.deepEqual(snapshot(dir), before);
  });
});

describe('a .new or .bak is never written over a file of yours', () => {
  it('D3: an untracked fly.toml.new in git is an uncommitted change: exit 6, nothing written', () => {
    const dir = generate();
    editScaling(dir);
    commit(dir);
    writeFileSync(join(dir, 'fly.toml.new'), 'MY UNTRACKED NOTES\n');
    const before = snapshot(dir);
    const run = updateIn(dir, ['--scaling', 'always-on']);
    assert.equal(run.status, EXIT.refused, run.stderr);
    assert.match(run.stderr, /uncommitted changes in fly\.toml\.new/);
    assert.deepEqual(snapshot(dir), before);
  });

  it('D3: outside git, a fly.toml.bak that holds something else is refused: exit 6, nothing written', () => {
    const dir = generate(undefined, false);
    editScaling(dir);
    writeFileSync(join(dir, 'fly.toml.bak'), 'MY OLD BAK\n');
    const before = snapshot(dir);
    const run = updateIn(dir, ['--scaling', 'always-on', '--on-conflict', 'overwrite']);
    assert.equal(run.status, EXIT.refused, run.stderr);
    assert.match(run.stderr, /fly\.toml\.bak is already there and holds something else/);
    assert.deepEqual(snapshot(dir), before);
  });

  it('overwrite keeps yours as fly.toml.bak, byte for byte', () => {
    const dir = generate();
    editScaling(dir);
    commit(dir);
    const yours = readFileSync(join(dir, 'fly.toml'), 'utf8');
    const run = updateIn(dir, ['--scaling', 'always-on', '--on-conflict', 'overwrite']);
    assert.equal(run.status, EXIT.ok, run.stderr);
    assert.equal(readFileSync(join(dir, 'fly.toml.bak'), 'utf8'), yours);
    assert.match(readFileSync(join(dir, 'fly.toml'), 'utf8'), /auto_stop_machines = "off"/);
  });
});

describe('a failure halfway puts everything back', () => {
  it('D6a: an immutable fly.toml: exit 3, one line naming it, every file as before, no temporary file', { skip: chattrWorks }, () => {
    const dir = generate();
    const before = snapshot(dir);
    spawnSync('chattr', ['+i', join(dir, 'fly.toml')]);
    try {
      const run = updateIn(dir, ['--scaling', 'always-on', '--regions', 'iad,lhr']);
      assert.equal(run.status, EXIT.targetNotEmpty, run.stderr);
      assert.match(run.stderr, /^create-fly-fastapi: cannot write in fly\.toml: permission denied \(an immutable file\?\); nothing was changed\n$/);
    } finally {
      spawnSync('chattr', ['-i', join(dir, 'fly.toml')]);
    }
    assert.deepEqual(snapshot(dir), before);
    assert.deepEqual(leftovers(dir), []);
  });

  it('D6c: a folder named fly.toml.bak is refused before anything is written', () => {
    const dir = generate();
    editScaling(dir);
    mkdirSync(join(dir, 'fly.toml.bak'));
    writeFileSync(join(dir, 'fly.toml.bak', 'keep'), '');
    commit(dir);
    const before = snapshot(dir);
    const run = updateIn(dir, ['--scaling', 'always-on', '--on-conflict', 'overwrite']);
    assert.notEqual(run.status, EXIT.ok);
    assert.ok(oneLine(run.stderr), run.stderr);
    assert.deepEqual(snapshot(dir), before);
  });

  it('D6b, D5: a full disk during --update and --adopt: one line, nothing changed, no temporary file', { skip: rootOnly }, () => {
    const mount = tempDir('cff-full-');
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount]).status !== 0) return;
    try {
      const dir = generate(mount, false);
      cpSync(new URL('./fixtures/adopt/flat', import.meta.url).pathname, join(mount, 'flat'), { recursive: true });
      const free = Number(spawnSync('df', ['-k', '--output=avail', mount], { encoding: 'utf8' }).stdout.trim().split('\n')[1]);
      spawnSync('dd', ['if=/dev/zero', `of=${join(mount, 'filler')}`, 'bs=1k', `count=${free - 8}`]);
      const project = snapshot(dir);
      const updated = updateIn(dir, ['--scaling', 'always-on', '--regions', 'iad,lhr']);
      assert.equal(updated.status, EXIT.targetNotEmpty, updated.stderr);
      assert.match(updated.stderr, /no space left on the device; nothing was changed\n$/);
      assert.deepEqual(snapshot(dir), project);
      const adopted = snapshot(join(mount, 'flat'));
      const adopt = runCli(['--adopt'], { cwd: join(mount, 'flat'), env: ENV });
      assert.equal(adopt.status, EXIT.targetNotEmpty, adopt.stderr);
      assert.match(adopt.stderr, /no space left on the device; nothing was changed\n$/);
      assert.deepEqual(snapshot(join(mount, 'flat')), adopted);
    } finally {
      spawnSync('umount', [mount]);
    }
  });

  it('D7: temporary files a killed run left (a dead pid in their names) are removed by the next update', () => {
    const dir = generate(undefined, false);
    writeFileSync(join(dir, 'fly.toml.create-fly-fastapi-999999'), 'half');
    writeFileSync(join(dir, '.create-fly-fastapi', 'manifest.json.create-fly-fastapi-999998'), 'half');
    const run = updateIn(dir, ['--scaling', 'always-on']);
    assert.equal(run.status, EXIT.ok, run.stderr);
    assert.deepEqual(leftovers(dir), []);
  });
});

describe('one update at a time, and only real writes are checked', () => {
  it('D10: two updates at once outside git: one waits its turn or refuses (exit 3); the record matches the files', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = generate(undefined, false);
      const [a, b] = await Promise.all([
        runCliAsync(['--update', '--no-interactive', '--scaling', 'always-on'], { cwd: dir, env: ENV }),
        runCliAsync(['--update', '--no-interactive', '--regions', 'iad,lhr'], { cwd: dir, env: ENV }),
      ]);
      for (const run of [a, b]) assert.ok(run.status === EXIT.ok || (run.status === EXIT.targetNotEmpty && /another create-fly-fastapi run/.test(run.stderr)), run.stderr);
      const again = updateIn(dir, ['--check']);
      assert.equal(again.status, EXIT.ok, `the record and the files disagree after two runs at once: ${again.stdout}`);
      assert.deepEqual(leftovers(dir), []);
    }
  });

  it('D11: the same update again, its first result left uncommitted, is not refused: exit 0, nothing to write', () => {
    const dir = generate();
    assert.equal(updateIn(dir, ['--scaling', 'always-on']).status, EXIT.ok);
    const run = updateIn(dir, ['--scaling', 'always-on']);
    assert.equal(run.status, EXIT.ok, run.stderr);
    assert.match(run.stdout, /\(nothing to write\)/);
  });
});

describe('update() refuses what it cannot do, never taking it as keep', () => {
  it('D27: an unknown onConflict or resolve answer: UsageError exit 2, nothing written', async () => {
    const { update } = (await import('../dist/api.js')) as unknown as typeof import('../src/api.ts');
    const dir = generate();
    editScaling(dir);
    commit(dir);
    const before = snapshot(dir);
    await assert.rejects(update({ directory: dir, scaling: 'always-on', onConflict: 'OVERWRITE' as never }), (error: Error & { exitCode?: number }) => error.exitCode === EXIT.usage && /onConflict: "OVERWRITE"/.test(error.message));
    await assert.rejects(update({ directory: dir, scaling: 'always-on', resolve: async () => 'banana' as never }), (error: Error & { exitCode?: number }) => error.exitCode === EXIT.usage && /resolve: "banana"/.test(error.message));
    await assert.rejects(update(null as never), (error: Error & { exitCode?: number }) => error.exitCode === EXIT.usage);
    await assert.rejects(update({ directory: 5 } as never), (error: Error & { exitCode?: number }) => error.exitCode === EXIT.usage);
    assert.deepEqual(snapshot(dir), before);
    assert.equal(existsSync(join(dir, 'fly.toml.new')), false);
  });
});

describe('the uncommitted-changes check', () => {
  it('D29: inside a git work tree with no git on PATH, an update refuses (exit 6) rather than skip the check', () => {
    const dir = generate();
    editScaling(dir);
    const bin = tempDir('cff-nogit-');
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = runCli(['--update', '--no-interactive', '--scaling', 'always-on'], { cwd: dir, env: { PATH: bin } });
    assert.equal(run.status, EXIT.refused, run.stderr);
    assert.match(run.stderr, /git is not on PATH/);
  });
});

describe('every value from a file is checked like a flag', () => {
  for (const [name, key, value, message] of [
    ['D13: a Python we do not build', 'python', '3.9', /answers\.python \(--python\): '3\.9' is not one of/],
    ['D13: text for the Dockerfile in python', 'python', '3.14-slim-trixie AS x; RUN echo INJECTED', /answers\.python \(--python\)/],
    ['D13: an unknown scaling', 'scaling', 'hyper', /answers\.scaling \(--scaling\): 'hyper' is not one of/],
    ['D13: a number for scaling', 'scaling', 5, /answers\.scaling \(--scaling\)/],
    ['D13: an unknown postgres', 'postgres', 'oracle', /answers\.postgres \(--postgres\)/],
    ['D13: a string for workflows', 'workflows', 'yes', /answers\.workflows \(--workflows\): must be true or false/],
    ['D13: a number for python', 'python', 3.14, /answers\.python \(--python\): must be a string/],
  ] as const) {
    it(`${name}: exit 2, one line naming the record's key and the flag; nothing written`, () => {
      const dir = generate();
      editRecord(dir, (record) => {
        record.answers[key] = value;
      });
      commit(dir);
      const before = snapshot(dir);
      const run = updateIn(dir, []);
      assert.equal(run.status, EXIT.usage, run.stderr);
      assert.match(run.stderr, message);
      assert.ok(oneLine(run.stderr), run.stderr);
      assert.deepEqual(snapshot(dir), before);
    });
  }

  it("D14: a record's kit.source with a newline is refused naming the record's key: exit 2, fly.toml untouched", () => {
    const dir = generate();
    editRecord(dir, (record) => {
      (record as unknown as { kit: unknown }).kit = { name: 'rt-kit', version: '1.1.0', source: './k2\n[build]\nimage = "evil/img"\n#', kind: 'directory' };
    });
    commit(dir);
    const before = snapshot(dir);
    const run = updateIn(dir, []);
    assert.equal(run.status, EXIT.usage, run.stderr);
    assert.match(run.stderr, /manifest\.json kit\.source: the value contains a control character/);
    assert.deepEqual(snapshot(dir), before);
  });

  it("D14, D15: a kit source that starts with '-' never reaches npm as an option: exit 2 from the flag and from the record", () => {
    const root = tempDir('cff-hard-');
    const flag = runCli(['out', '--kit=--userconfig=/tmp/evilrc', '--yes', '--no-git', '--no-lock'], { cwd: root, env: ENV });
    assert.equal(flag.status, EXIT.usage, flag.stderr);
    assert.match(flag.stderr, /^create-fly-fastapi: --kit: "--userconfig=\/tmp\/evilrc" starts with '-', which npm would read as an option/);
    assert.deepEqual(readdirSync(root), []);
    const dir = generate();
    editRecord(dir, (record) => {
      (record as unknown as { kit: unknown }).kit = { name: 'rt-kit', version: '1.1.0', source: '--version', kind: 'npm' };
    });
    commit(dir);
    const run = updateIn(dir, []);
    assert.equal(run.status, EXIT.usage, run.stderr);
    assert.match(run.stderr, /kit\.source: "--version" starts with '-'/);
  });
});

describe('flags an update does not take', () => {
  it('--no-launch, --no-git and --no-lock with --update are what it does anyway: accepted', () => {
    const dir = generate();
    const run = updateIn(dir, ['--no-launch', '--no-git', '--no-lock', '--scaling', 'always-on']);
    assert.equal(run.status, EXIT.ok, run.stderr);
  });

  for (const flag of ['--launch', '--git', '--lock', '--org=acme']) {
    it(`D31: ${flag} with --update: exit 2 naming it, nothing written`, () => {
      const dir = generate();
      const before = snapshot(dir);
      const run = updateIn(dir, [flag]);
      assert.equal(run.status, EXIT.usage, run.stderr);
      assert.match(run.stderr, new RegExp(`^create-fly-fastapi: ${flag.split('=')[0]}[ =:]`));
      assert.deepEqual(snapshot(dir), before);
    });
  }
});

describe('a record that is not a file, or has a BOM', () => {
  it('D24: manifest.json as a folder, or .create-fly-fastapi as a file: one line, exit 6', () => {
    const dir = generate(undefined, false);
    rmSync(join(dir, RECORD));
    mkdirSync(join(dir, RECORD));
    let run = updateIn(dir, []);
    assert.equal(run.status, EXIT.refused, run.stderr);
    assert.match(run.stderr, /^create-fly-fastapi: \S+\/\.create-fly-fastapi\/manifest\.json is not a regular file/);
    rmSync(join(dir, '.create-fly-fastapi'), { recursive: true });
    writeFileSync(join(dir, '.create-fly-fastapi'), '');
    run = updateIn(dir, []);
    assert.equal(run.status, EXIT.refused, run.stderr);
    assert.match(run.stderr, /\.create-fly-fastapi is not a folder/);
    assert.ok(oneLine(run.stderr), run.stderr);
  });

  it('D24: a BOM before the record is read past', () => {
    const dir = generate(undefined, false);
    writeFileSync(join(dir, RECORD), `\uFEFF${readFileSync(join(dir, RECORD), 'utf8')}`);
    const run = updateIn(dir, ['--check']);
    assert.equal(run.status, EXIT.ok, run.stderr);
  });
});

describe('create() refuses wrong types as the CLI refuses bad flags', () => {
  it('D26: no options, a string, a number for kit or force: exit 2, naming the key', async () => {
    const { create } = (await import('../dist/api.js')) as unknown as typeof import('../src/api.ts');
    for (const [input, message] of [
      [undefined, /create\(\) takes an object/],
      [null, /create\(\) takes an object/],
      ['my-api', /create\(\) takes an object/],
      [{ directory: 'x', kit: 5 }, /^kit: must be a kit source/],
      [{ directory: 'x', force: 'yes' }, /^force: must be true or false/],
      [{ directory: 5 }, /^directory: must be a path/],
    ] as const) {
      await assert.rejects(create(input as never), (error: Error & { exitCode?: number }) => error.exitCode === EXIT.usage && message.test(error.message), String(JSON.stringify(input)));
    }
  });
});

describe('an update of an adopted project whose code moved', () => {
  it('D25: the entrypoint the record names is gone: exit 6, naming the record, not a flag', () => {
    const dir = join(tempDir('cff-hard-'), 'flat');
    cpSync(new URL('./fixtures/adopt/flat', import.meta.url).pathname, dir, { recursive: true });
    git(dir, 'init', '--quiet');
    commit(dir);
    const adopted = runCli(['--adopt', '--no-interactive'], { cwd: dir, env: ENV });
    assert.equal(adopted.status, 0, adopted.stderr);
    commit(dir);
    git(dir, 'mv', 'main.py', 'app.py');
    commit(dir);
    const run = updateIn(dir, []);
    assert.equal(run.status, EXIT.refused, run.stderr);
    assert.match(run.stderr, /manifest\.json adoption\.entrypoint: 'main:app' names module main/);
    assert.doesNotMatch(run.stderr, /--entrypoint/);
    assert.ok(oneLine(run.stderr), run.stderr);
  });
});

describe('adopt() refuses wrong types as the CLI refuses bad flags', () => {
  it('D26: a number for the entrypoint, no options object, a number for the directory: exit 2, naming the key', async () => {
    const { adopt } = (await import('../dist/api.js')) as unknown as typeof import('../src/api.ts');
    const dir = join(tempDir('cff-hard-'), 'flat');
    cpSync(new URL('./fixtures/adopt/flat', import.meta.url).pathname, dir, { recursive: true });
    for (const [input, message] of [
      [{ directory: dir, flags: { entrypoint: 5 } }, /^flags\.entrypoint: must be a string$/],
      [null, /^adopt\(\) takes an object/],
      [{ directory: 5 }, /^directory: must be a path$/],
    ] as const) {
      await assert.rejects(adopt(input as never), (error: Error & { exitCode?: number }) => error.exitCode === EXIT.usage && message.test(error.message), JSON.stringify(input));
    }
  });
});

describe('--adopt says what is wrong with the project, in its own terms', () => {
  function flat(): string {
    const dir = join(tempDir('cff-hard-'), 'flat');
    cpSync(new URL('./fixtures/adopt/flat', import.meta.url).pathname, dir, { recursive: true });
    return dir;
  }

  it('D24: .create-fly-fastapi as a file: exit 8, naming it, nothing written', () => {
    const dir = flat();
    writeFileSync(join(dir, '.create-fly-fastapi'), '');
    const before = snapshot(dir);
    const run = runCli(['--adopt', '--no-interactive'], { cwd: dir, env: ENV });
    assert.equal(run.status, EXIT.adoptRefused, run.stderr);
    assert.match(run.stderr, /^create-fly-fastapi: \.create-fly-fastapi is a file where the project needs a folder \(--adopt writes \.create-fly-fastapi\/manifest\.json there\)/);
    assert.deepEqual(snapshot(dir), before);
  });

  it('D23: a main.py over 512 KiB is named as not read; dependencies given as a string are named as such', () => {
    const big = flat();
    writeFileSync(join(big, 'main.py'), `${readFileSync(join(big, 'main.py'), 'utf8')}#${'x'.repeat(600_000)}\n`);
    const large = runCli(['--adopt', '--no-interactive'], { cwd: big, env: ENV });
    assert.equal(large.status, EXIT.adoptRefused, large.stderr);
    assert.match(large.stderr, /\(main\.py is over 512 KiB and not read\): give --entrypoint/);
    const text = flat();
    const pyproject = readFileSync(join(text, 'pyproject.toml'), 'utf8').replace(/^dependencies = .*$/m, 'dependencies = "fastapi[standard]"');
    writeFileSync(join(text, 'pyproject.toml'), pyproject);
    const string = runCli(['--adopt', '--no-interactive', '--allow-stale-lock'], { cwd: text, env: ENV });
    assert.equal(string.status, EXIT.adoptRefused, string.stderr);
    assert.match(string.stderr, /\[project\] dependencies must be a list of requirements/);
  });
});
