/**
 * The update workflow's script (.github/create-fly-fastapi-update.sh, written
 * with --workflows) run as the workflow runs it, against a fake `gh` on PATH
 * that refuses flags gh does not have, and a bare repository as origin: no
 * update, a clean update, a second run that refreshes the pull request, and a
 * conflict named in the pull request, whose check then fails until the .new
 * is gone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, runCli, tempDir } from './helpers/cli.ts';

const FAKE_GH = new URL('./fixtures/fake-gh', import.meta.url).pathname;
const SCRIPT = '.github/create-fly-fastapi-update.sh';
const RECORD = '.create-fly-fastapi/manifest.json';
const OLDER = '# written by an older create-fly-fastapi\n';
const IDENTITY = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function git(dir: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...IDENTITY } });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** A project with --workflows, committed on main and pushed to a bare origin. */
function project(): { dir: string; root: string } {
  const root = tempDir('cff-wf-');
  assert.equal(runCli(['app', '--yes', '--no-git', '--no-lock', '--workflows', '--postgres', 'none'], { cwd: root }).status, 0);
  const dir = join(root, 'app');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', 'origin.git');
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'v1');
  git(dir, 'remote', 'add', 'origin', join(root, 'origin.git'));
  git(dir, 'push', '--quiet', 'origin', 'main');
  return { dir, root };
}

/** As if an older version had written app/platform/wiring.py: the file and the record's base both say so, so an update has something to bring. */
function olderGenerator(dir: string, yours?: string): void {
  const path = 'app/platform/wiring.py';
  const ours = readFileSync(join(dir, path), 'utf8');
  const record = JSON.parse(readFileSync(join(dir, RECORD), 'utf8'));
  record.files[path].text = OLDER + ours;
  record.files[path].sha256 = createHash('sha256').update(OLDER + ours).digest('hex');
  writeFileSync(join(dir, RECORD), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(dir, path), yours ?? OLDER + ours);
  git(dir, 'commit', '--quiet', '-am', 'older');
}

function runScript(dir: string, root: string) {
  const result = spawnSync('bash', [SCRIPT], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...IDENTITY, PATH: `${FAKE_GH}:${process.env.PATH}`, CFF_COMMAND: `${process.execPath} ${CLI}`, FAKE_GH_LOG: join(root, 'gh.log'), FAKE_GH_STATE: join(root, 'gh.json'), FAKE_GH_NODE: process.execPath, CI: '1' },
  });
  const calls = existsSync(join(root, 'gh.log'))
    ? readFileSync(join(root, 'gh.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { args: string[]; body?: string })
    : [];
  rmSync(join(root, 'gh.log'), { force: true });
  return { ...result, calls };
}

/** The pull request check, as the workflow's no-unmerged-update job runs it. */
function unmergedCheck(dir: string): number {
  return spawnSync('bash', ['-c', `left="$(git ls-files '*.new')"; if [ -n "$left" ]; then echo "$left"; exit 1; fi`], { cwd: dir }).status ?? 1;
}

describe('the update workflow, with a fake gh', () => {
  it('no update: says so, creates no branch, calls no gh', () => {
    const { dir, root } = project();
    const run = runScript(dir, root);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Up to date: nothing to propose\./);
    assert.deepEqual(run.calls, []);
    assert.equal(git(dir, 'branch', '--list', 'create-fly-fastapi/update'), '');
  });

  it('a clean update: a branch pushed and a pull request opened listing what was updated; the next run refreshes it', () => {
    const { dir, root } = project();
    olderGenerator(dir);
    const run = runScript(dir, root);
    assert.equal(run.status, 0, run.stderr);
    const create = run.calls.find((call) => call.args[1] === 'create')!;
    assert.deepEqual(create.args.slice(0, 6), ['pr', 'create', '--head', 'create-fly-fastapi/update', '--base', 'main']);
    assert.match(create.args[7]!, /^Update from create-fly-fastapi \S+ -> \S+$/);
    assert.match(create.body!, /## Updated\n\n- `app\/platform\/wiring\.py`/);
    assert.doesNotMatch(create.body!, /Conflicts/);
    assert.match(git(join(root, 'origin.git'), 'log', '--oneline', 'create-fly-fastapi/update'), /Update from create-fly-fastapi/);
    assert.equal(unmergedCheck(dir), 0, 'no .new: the check passes');

    git(dir, 'switch', '--quiet', 'main');
    const again = runScript(dir, root);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(again.calls.some((call) => call.args[1] === 'edit' && call.args[2] === 'create-fly-fastapi/update'), 'the open pull request is refreshed, not opened twice');
    assert.ok(!again.calls.some((call) => call.args[1] === 'create'));
  });

  it('a conflict: named in the pull request, yours untouched, ours as .new, and the pull request check fails until it is gone', () => {
    const { dir, root } = project();
    const ours = readFileSync(join(dir, 'app/platform/wiring.py'), 'utf8');
    olderGenerator(dir, `# mine, not the older line\n${ours}`);
    const run = runScript(dir, root);
    assert.equal(run.status, 0, run.stderr);
    const create = run.calls.find((call) => call.args[1] === 'create')!;
    assert.match(create.body!, /## Conflicts\n\n.*\n\n- `app\/platform\/wiring\.py`/);
    assert.ok(existsSync(join(dir, 'app/platform/wiring.py.new')));
    assert.equal(unmergedCheck(dir), 1, 'the check fails while a .new is there');
    rmSync(join(dir, 'app/platform/wiring.py.new'));
    git(dir, 'commit', '--quiet', '-am', 'merged by hand');
    assert.equal(unmergedCheck(dir), 0);
  });

  it('the fake gh refuses a flag gh does not have', () => {
    const result = spawnSync(join(FAKE_GH, 'gh'), ['pr', 'create', '--head', 'x', '--fill-verbose-nope'], { encoding: 'utf8', env: { ...process.env, FAKE_GH_NODE: process.execPath } });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /unknown flag: --fill-verbose-nope/);
  });
});
