/**
 * Bad input, as a table: every flag and the directory, with wrong, out of
 * range, repeated, conflicting and control-character values. Each case runs
 * the built CLI in a folder holding a file of the user's, and asserts the exit
 * code, exactly one line on stderr that names the flag (or the value), nothing
 * on stdout, and the folder byte for byte as it was.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inParallel, runCliAsync, snapshot, tempDir } from './helpers/cli.ts';

const YES = ['--yes', '--no-lock', '--no-git'];

interface Case {
  /** The flag the case is about, for the summary. */
  flag: string;
  args: string[];
  exit: 2 | 3;
  /** What the one line must contain: the flag or the value. */
  names: RegExp;
  /** Prepares the folder beyond the user's file (paths relative to it). */
  setup?: (cwd: string) => void;
}

const c = (flag: string, args: string[], names: RegExp, exit: 2 | 3 = 2, setup?: Case['setup']): Case => ({ flag, args, exit, names, setup });
const dir = (args: string[], names: RegExp, exit: 2 | 3 = 2, setup?: Case['setup']) => c('[directory]', args, names, exit, setup);

const CASES: Case[] = [
  // The positional directory.
  dir(['', ...YES], /\[directory\]: the directory must not be empty/),
  dir(['   ', ...YES], /\[directory\]: the directory must not be empty/),
  dir(['my\napi', ...YES], /\[directory\]: the name contains a control character \(U\+000A\)/),
  dir(['my\tapi', ...YES], /\[directory\]: .*U\+0009/),
  dir(['my\u007fapi', ...YES], /\[directory\]: .*U\+007F/),
  dir(['my\u001b[31mapi', ...YES], /\[directory\]: .*U\+001B/),
  dir(['my\u2028api', ...YES], /\[directory\]: .*U\+2028/),
  dir(['a\u0001b', ...YES], /\[directory\]: .*U\+0001/),
  dir(['a'.repeat(256), ...YES], /\[directory\]: a folder name is at most 255 bytes/),
  dir([`x/${'é'.repeat(128)}/y`, ...YES], /\[directory\]: a folder name is at most 255 bytes/),
  dir(['one', 'two', ...YES], /unexpected argument 'two'/),
  dir(['one', 'two\nthree', ...YES], /unexpected argument "two\\nthree"/),
  dir(['mine.txt', ...YES], /mine\.txt exists and is a file, not a folder/, 3),
  dir(['full', ...YES], /full is not empty/, 3, (cwd) => (mkdirSync(join(cwd, 'full')), writeFileSync(join(cwd, 'full', 'x'), 'x'))),
  dir(['.', ...YES], /\. is not empty/, 3),
  dir(['mine.txt/api', ...YES], /cannot create mine\.txt\/api: mine\.txt is a file, not a folder/, 3),
  dir(['dangling', ...YES], /dangling is a symbolic link to .*, which does not exist/, 3, (cwd) => symlinkSync(join(cwd, 'nowhere'), join(cwd, 'dangling'))),
  dir(['fastapi', ...YES], /--name: 'fastapi' is also the name of a package/),
  dir(['Starlette', ...YES], /--name: 'starlette' is also the name of a package/),
  dir(['locked', ...YES], /another create-fly-fastapi run \(pid \d+\) is writing locked/, 3, (cwd) =>
    writeFileSync(join(cwd, '.locked.create-fly-fastapi.lock'), String(process.pid))),
  // --name
  ...[
    ['Bad_Name', /--name: 'Bad_Name' is not a valid Fly app name/],
    ['-x-', /--name: '-x-' is not a valid Fly app name/],
    ['x', /--name: 'x' is not a valid Fly app name/],
    ['a'.repeat(64), /--name: 'a{64}' is not a valid Fly app name/],
    ['my api', /--name: 'my api' is not a valid/],
    ['my.api', /--name: 'my\.api' is not a valid/],
    ['ünï', /--name: 'ünï' is not a valid/],
    ['UPPER', /--name: 'UPPER' is not a valid/],
    ['fastapi', /--name: 'fastapi' is also the name of a package/],
    ['uvicorn', /--name: 'uvicorn' is also/],
    ['alembic', /--name: 'alembic' is also/],
    ['sqlalchemy', /--name: 'sqlalchemy' is also/],
    ['psycopg', /--name: 'psycopg' is also/],
    ['pydantic-settings', /--name: 'pydantic-settings' is also/],
    ['pytest', /--name: 'pytest' is also/],
    ['ruff', /--name: 'ruff' is also/],
    ['httpx', /--name: 'httpx' is also/],
    ['typing-extensions', /--name: 'typing-extensions' is also/],
    ['starlette', /--name: 'starlette' is also/],
    ['a\nb', /--name: the value contains a control character \(U\+000A\)/],
    ['a\rb', /--name: .*U\+000D/],
  ].map(([value, names]) => c('--name', ['api', ...YES, '--name', value as string], names as RegExp)),
  c('--name', ['api', ...YES, '--name='], /--name: needs a value/),
  c('--name', ['api', ...YES, '--name'], /--name: needs a value/),
  c('--name', ['api', ...YES, '--name', 'one', '--name', 'two'], /--name: given twice/),
  c('--name', ['api', ...YES, '--no-name'], /--no-name: unknown option/),
  // --postgres
  c('--postgres', ['api', ...YES, '--postgres', 'mysql'], /--postgres: 'mysql' is not one of/),
  c('--postgres', ['api', ...YES, '--postgres', 'none,managed'], /--postgres: 'none,managed' is not one of/),
  c('--postgres', ['api', ...YES, '--postgres', 'none', '--no-postgres'], /--no-postgres: given twice/),
  c('--postgres', ['api', ...YES, '--no-postgres=1'], /--no-postgres: takes no value/),
  c('--postgres', ['api', ...YES, '--postgres', 'none\u0085'], /--postgres: .*U\+0085/),
  c('--postgres', ['api', ...YES, '--postgres', '--scaling', 'stop'], /--postgres: needs a value/),
  // --scaling and --min-machines
  c('--scaling', ['api', ...YES, '--scaling', 'sometimes'], /--scaling: 'sometimes' is not one of/),
  c('--scaling', ['api', ...YES, '--scaling', ''], /--scaling: needs a value/),
  c('--scaling', ['api', ...YES, '--scaling', 'warm', '--scaling', 'stop'], /--scaling: given twice/),
  c('--min-machines', ['api', ...YES, '--min-machines', '2'], /--min-machines applies only with --scaling warm/),
  c('--min-machines', ['api', ...YES, '--scaling', 'warm', '--min-machines', '0'], /--min-machines: warm needs between 1 and 20/),
  c('--min-machines', ['api', ...YES, '--scaling', 'warm', '--min-machines', '21'], /--min-machines: warm needs between 1 and 20/),
  c('--min-machines', ['api', ...YES, '--scaling', 'warm', '--min-machines', 'two'], /--min-machines: 'two' is not a whole number/),
  c('--min-machines', ['api', ...YES, '--scaling', 'warm', '--min-machines', '1.5'], /--min-machines: '1.5' is not a whole number/),
  c('--min-machines', ['api', ...YES, '--scaling', 'warm', '--min-machines', '1e3'], /--min-machines: '1e3' is not a whole number/),
  c('--min-machines', ['api', ...YES, '--scaling', 'warm', '--min-machines', '-1'], /--min-machines: '-1' is not a whole number/),
  c('--min-machines', ['api', ...YES, '--scaling', 'warm', '--min-machines', '99999999999999999999'], /--min-machines: '9+' is not a whole number/),
  // --regions
  c('--regions', ['api', ...YES, '--regions', 'sea'], /--regions: region 'sea' was retired by Fly\.io; use 'sjc'/),
  c('--regions', ['api', ...YES, '--regions', 'xyz'], /--regions: 'xyz' is not a Fly\.io region/),
  c('--regions', ['api', ...YES, '--regions', 'iad,iad'], /--regions: region 'iad' is listed twice/),
  c('--regions', ['api', ...YES, '--regions', ','], /--regions: give at least one region/),
  c('--regions', ['api', ...YES, '--regions', 'bom'], /--regions: Managed Postgres is not offered in 'bom'/),
  c('--regions', ['api', ...YES, '--regions', 'dfw,iad'], /--regions: Managed Postgres is not offered in 'dfw'/),
  c('--regions', ['api', ...YES, '--regions', 'iad;lhr'], /--regions: 'iad;lhr' is not a Fly\.io region/),
  c('--regions', ['api', ...YES, '--regions', 'iad,\tlhr\n'], /--regions: .*control character/),
  // --python
  ...['3.10', '3.15', '2.7', 'latest', '3'].map((value) => c('--python', ['api', ...YES, '--python', value], new RegExp(`--python: '${value.replace('.', '\\.')}' is not one of`))),
  // --vm-size and --vm-memory
  ...['huge', 'shared-cpu-3x', 'performance-32x', 'dedicated-cpu-1x'].map((value) => c('--vm-size', ['api', ...YES, '--vm-size', value], new RegExp(`--vm-size: '${value}'`))),
  c('--vm-memory', ['api', ...YES, '--vm-memory', '1024000gb'], /--vm-memory: '1024000gb' is more than the largest Machine has/),
  c('--vm-memory', ['api', ...YES, '--vm-memory', '9.765625e+22gb'], /--vm-memory: '9\.765625e\+22gb' is not a memory size/),
  c('--vm-memory', ['api', ...YES, '--vm-memory', '300mb'], /--vm-memory: shared-cpu-1x takes memory in steps of 256mb, not 300mb/),
  c('--vm-memory', ['api', ...YES, '--vm-memory', '0mb'], /--vm-memory: shared-cpu-1x takes 256mb to 2gb, not 0mb/),
  c('--vm-memory', ['api', ...YES, '--vm-memory', 'lots'], /--vm-memory: 'lots' is not a memory size/),
  c('--vm-memory', ['api', ...YES, '--vm-memory', '-512mb'], /--vm-memory: '-512mb' is not a memory size/),
  c('--vm-memory', ['api', ...YES, '--vm-memory', '1.5gb'], /--vm-memory: '1\.5gb' is not a memory size/),
  c('--vm-memory', ['api', ...YES, '--vm-memory', '3tb'], /--vm-memory: '3tb' is not a memory size/),
  c('--vm-memory', ['api', ...YES, '--scaling', 'stop', '--vm-memory', '4gb'], /--vm-memory: shared-cpu-1x takes 256mb to 2gb, not 4gb/),
  c('--vm-memory', ['api', ...YES, '--scaling', 'stop', '--vm-size', 'performance-1x', '--vm-memory', '1gb'], /--vm-memory: performance-1x takes 2gb to 8gb, not 1gb/),
  c('--vm-memory', ['api', ...YES, '--scaling', 'stop', '--vm-size', 'performance-1x', '--vm-memory', '2304mb'], /--vm-memory: performance-1x takes memory in steps of 1gb/),
  c('--vm-memory', ['api', ...YES, '--vm-size', 'shared-cpu-2x', '--vm-memory', '4gb'], /--vm-memory: suspend works only up to 2gb/),
  // --org and --launch
  c('--org', ['api', ...YES, '--org', 'acme'], /--org applies only with --launch/),
  c('--org', ['api', ...YES, '--launch', '--org', 'Not Valid'], /--org: 'Not Valid' is not an organization slug/),
  c('--org', ['api', ...YES, '--launch', '--org', '-x'], /--org: '-x' is not an organization slug/),
  c('--org', ['api', ...YES, '--launch', '--org', 'acme\u0007'], /--org: .*U\+0007/),
  c('--launch', ['api', ...YES, '--launch=1'], /--launch: takes no value/),
  c('--launch', ['api', ...YES, '--launch', '--no-launch'], /--no-launch: given twice/),
  // Switches
  c('--workflows', ['api', ...YES, '--workflows=yes'], /--workflows: takes no value/),
  c('--workflows', ['api', ...YES, '--workflows', '--no-workflows'], /--no-workflows: given twice/),
  c('--git', ['api', '--yes', '--no-lock', '--git=false'], /--git: takes no value/),
  c('--lock', ['api', '--yes', '--no-git', '--no-lock', '--lock'], /--lock: given twice/),
  c('--yes', ['api', '--yes=1'], /--yes: takes no value/),
  c('--yes', ['api', '--no-yes'], /--no-yes: unknown option/),
  c('--yes', ['api', '-y', '--yes'], /--yes: given twice/),
  c('--force', ['api', ...YES, '--force=1'], /--force: takes no value/),
  c('--dry-run', ['api', ...YES, '--dry-run=x'], /--dry-run: takes no value/),
  c('--kit', ['api', ...YES, '--kit'], /--kit: needs a value <source>/),
  c('--update', ['.', '--update=1'], /--update: takes no value/),
  c('--update', ['.', '--update', '--force'], /--force: not with --update/),
  c('--update', ['.', '--update'], /: \. has no \.create-fly-fastapi\/manifest\.json: .*use --adopt/, 3),
  c('--update', ['mine.txt', '--update'], /mine\.txt is not a folder: there is no project to update/, 3),
  c('--on-conflict', ['.', '--update', '--on-conflict', 'merge'], /--on-conflict: 'merge' is not one of keep, new-file, markers, overwrite/),
  c('--on-conflict', ['.', '--update', '--on-conflict'], /--on-conflict: needs a value <how>/),
  c('--on-conflict', ['api', ...YES, '--on-conflict', 'keep'], /--on-conflict: applies only with --update/),
  c('--check', ['api', ...YES, '--check'], /--check: applies only with --update/),
  c('--allow-dirty', ['api', ...YES, '--allow-dirty'], /--allow-dirty: applies only with --update/),
  c('--json', ['api', ...YES, '--json'], /--json: applies only with --update/),
  c('--restore', ['api', ...YES, '--restore', 'app/main.py'], /--restore: applies only with --update/),
  c('--restore', ['.', '--update', '--restore'], /--restore: needs a value <path>/),
  c('--update', ['.', '--update', '--launch'], /--launch: not with --update/),
  c('--kit', ['api', ...YES, '--kit', '/nonexistent/acme-kit'], /--kit: \/nonexistent\/acme-kit does not exist/),
  c('--kit', ['api', ...YES, '--kit', './acme-kit.tgz'], /--kit: \.\/acme-kit\.tgz does not exist/),
  c('--kit', ['api', ...YES, '--kit', 'acme\u0007kit'], /--kit: .*U\+0007/),
  // --adopt's flags: each needs --adopt, and --adopt takes none of a new project's.
  c('--adopt', ['.', '--adopt', '--postgres', 'managed'], /--postgres: does not apply with --adopt/),
  c('--adopt', ['.', '--adopt', '--no-git'], /--no-git: does not apply with --adopt/),
  c('--adopt', ['.', '--adopt', '--kit', './k'], /--kit: does not apply with --adopt/),
  c('--adopt', ['.', '--adopt', '--update'], /--update: not with --adopt \(adopt a project once, then update it\)/),
  c('--adopt', ['.', '--adopt=yes'], /--adopt: takes no value/),
  c('--entrypoint', ['api', ...YES, '--entrypoint', 'main:app'], /--entrypoint: applies only with --adopt/),
  c('--entrypoint', ['.', '--adopt', '--entrypoint'], /--entrypoint: needs a value <module:app>/),
  c('--package', ['api', ...YES, '--package', 'api'], /--package: applies only with --adopt/),
  c('--adopt-new-files', ['api', ...YES, '--adopt-new-files'], /--adopt-new-files: applies only with --adopt/),
  c('--add-health', ['api', ...YES, '--add-health'], /--add-health: applies only with --adopt/),
  c('--allow-stale-lock', ['api', ...YES, '--allow-stale-lock'], /--allow-stale-lock: applies only with --adopt/),
  c('--interactive', ['api', ...YES, '--interactive'], /--interactive needs a terminal/),
  c('--help', ['--help=1'], /--help: takes no value/),
  // Unknown flags and missing answers.
  c('unknown', ['api', '--colour', 'red'], /--colour: unknown option/),
  c('unknown', ['api', '--Name', 'x'], /--Name: unknown option/),
  c('unknown', ['api', '---name', 'x'], /---name: unknown option/),
  c('unknown', ['api', '-x'], /-x: unknown option/),
  c('unknown', ['api', '-yy'], /-yy: unknown option/),
  c('unknown', ['api', '--bad\nflag'], /"--bad\\nflag": unknown option/),
  c('missing', ['api', '--postgres', 'none'], /missing --scaling, --regions, --workflows, --launch \(no terminal to ask in\)/),
];

const results: { flag: string; ok: boolean }[] = [];

describe(`bad input: ${CASES.length} cases`, () => {
  after(() => {
    const counts = new Map<string, number>();
    for (const { flag } of results) counts.set(flag, (counts.get(flag) ?? 0) + 1);
    const rows = [...counts].map(([flag, count]) => `  ${flag.padEnd(16)} ${count}`);
    console.log(`bad-input table: ${results.length} cases, ${results.filter((r) => r.ok).length} as expected\n${rows.join('\n')}`);
  });

  it('has at least 80 cases and covers every flag and the directory', async () => {
    assert.ok(CASES.length >= 80, `${CASES.length} cases`);
    const { OPTIONS } = await import('../src/options/schema.ts');
    const { CONTROL_FLAGS } = await import('../src/options/runFlags.ts');
    for (const flag of [...OPTIONS.map((def) => (def.flag ? `--${def.flag}` : '[directory]')), ...CONTROL_FLAGS.filter((f) => f.key !== 'version').map((f) => `--${f.flag}`)]) {
      assert.ok(CASES.some((entry) => entry.flag === flag), `no case for ${flag}`);
    }
  });

  it('each: its exit code, one line naming the flag or value, nothing written, the folder byte-identical', async () => {
    const failures: string[] = [];
    await inParallel(CASES, 4, async (entry) => {
      const cwd = tempDir('cff-bad-');
      writeFileSync(join(cwd, 'mine.txt'), 'the user\'s own file\n');
      entry.setup?.(cwd);
      const before = snapshot(cwd);
      const run = await runCliAsync(entry.args, { cwd });
      const lines = run.stderr.trimEnd().split('\n');
      const problems = [
        run.status !== entry.exit && `exit ${run.status}, expected ${entry.exit}`,
        lines.length !== 1 && `${lines.length} lines on stderr`,
        !entry.names.test(lines[0] ?? '') && `line does not name it: ${lines[0]}`,
        !lines[0]?.startsWith('create-fly-fastapi: ') && 'line without the program name',
        run.stdout !== '' && `stdout: ${run.stdout.slice(0, 80)}`,
        JSON.stringify([...snapshot(cwd)]) !== JSON.stringify([...before]) && 'the folder changed',
      ].filter(Boolean);
      results.push({ flag: entry.flag, ok: problems.length === 0 });
      if (problems.length > 0) failures.push(`${JSON.stringify(entry.args)}: ${problems.join('; ')}`);
    });
    assert.deepEqual(failures, []);
  });
});
