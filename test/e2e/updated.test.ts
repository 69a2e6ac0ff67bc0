/**
 * An updated project passes the container tier like a generated one: a
 * project generated without Postgres in one region is updated, with no edit
 * of its own, to Managed Postgres in two regions, and then every check of the
 * tier (uv, ruff, pytest, hadolint, the image, the release command, serving,
 * the database taken away) runs on the updated tree.
 *
 * The tier generates the target variant first (and runs `uv lock` for it);
 * the hook below replaces that project with the updated one, keeping only
 * the uv.lock, which matches because a no-edit update writes exactly the
 * files a fresh generation writes (test/update.test.ts). Run with
 * E2E_ONLY='^upd-' like the rest of the tier.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VariantRun } from './checks.ts';
import { dropTierDatabases } from './postgres.ts';
import { ResultTable } from './report.ts';
import { VariantSteps } from './steps.ts';
import { REPO, openToolbox } from './toolbox.ts';
import { appName, cliArgs, variant, type Variant } from './variants.ts';

const box = await openToolbox();
const CLI = join(REPO, 'index.js');
const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : undefined;

function cli(cwd: string, args: string[]): string {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...box.env, CI: '1' }, encoding: 'utf8' });
  assert.equal(result.status, 0, `node index.js ${args.join(' ')}: exit ${result.status}\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/**
 * The project in `dir` becomes: generated with `from`, then `--update` to the
 * variant's own flags. `tamper` (the breakage below) gets the paths the update created.
 */
function updatedFrom(target: Variant, from: string[], tamper?: (dir: string, created: string[]) => void): (dir: string) => void {
  return (dir) => {
    const lock = existsSync(join(dir, 'uv.lock')) ? readFileSync(join(dir, 'uv.lock')) : undefined;
    rmSync(dir, { recursive: true, force: true });
    cli(join(dir, '..'), [appName(target), '--name', appName(target), '--python', target.python, '--yes', '--no-git', '--no-lock', '--no-launch', ...from]);
    const report = JSON.parse(cli(dir, ['--update', '--no-interactive', '--json', ...cliArgs(target, '.').slice(1)])) as { files: { path: string; status: string }[] };
    if (lock) writeFileSync(join(dir, 'uv.lock'), lock);
    tamper?.(dir, report.files.filter((file) => file.status === 'created').map((file) => file.path));
  };
}

const target = variant('managed', 'suspend', ['iad', 'lhr'], box.machinePython);
const FROM = ['--postgres', 'none', '--regions', 'iad', '--scaling', 'stop'];
const CASES = [{ v: { ...target, id: `upd-${target.id}` }, from: FROM }].filter(
  ({ v }) => !only || only.test(v.id),
);

describe('an updated project, used as a developer and as Fly would', { concurrency: 1 }, () => {
  before(async () => {
    if (box.postgres) await dropTierDatabases(box.postgres);
  });
  after(async () => {
    if (box.postgres) await dropTierDatabases(box.postgres);
  });
  for (const { v, from } of CASES) {
    it(`${v.id} (from ${from.join(' ')})`, async (t) => {
      const table = new ResultTable([v.id]);
      const steps = new VariantSteps(box, table, v, t);
      steps.log(await new VariantRun(v, box, steps, updatedFrom(v, from)).all());
      console.log(`\n${table.render()}\n`);
    });
  }

  // The check above must be able to fail: an update that changed the files it had but created none
  // (no app/db.py, no migrations) has to be caught by the tier, here by pytest.
  const broken = { ...target, id: `upd-brk-${target.id}` };
  it(`${broken.id}: an update that creates no file fails the tier`, { skip: process.env.E2E_BREAKAGES !== '1' && 'E2E_BREAKAGES is not 1' }, async () => {
    const table = new ResultTable([broken.id]);
    const steps = new VariantSteps(box, table, broken, 'table-only');
    const runOfBroken = new VariantRun(broken, box, steps, updatedFrom(broken, FROM, (dir, created) => {
      assert.ok(created.includes('app/db.py'), `the update should have created app/db.py: ${created.join(', ')}`);
      for (const path of created) rmSync(join(dir, path));
    }));
    try {
      await runOfBroken.all('pytest');
    } finally {
      runOfBroken.remove();
    }
    assert.equal(table.get(broken.id, 'generate')?.status, 'pass');
    const cell = table.get(broken.id, 'pytest');
    assert.equal(cell?.status, 'FAIL', `pytest did not catch the missing files: ${cell?.status} ${cell?.note ?? ''}`);
    console.log(`updated: ${broken.id}: pytest FAIL as intended - ${(cell.note ?? '').split('\n')[0]}`);
  });
});
