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
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

function cli(cwd: string, args: string[]): void {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...box.env, CI: '1' }, encoding: 'utf8' });
  assert.equal(result.status, 0, `node index.js ${args.join(' ')}: exit ${result.status}\n${result.stdout}${result.stderr}`);
}

/** The project in `dir` becomes: generated with `from`, then `--update` to the variant's own flags. */
function updatedFrom(target: Variant, from: string[]): (dir: string) => void {
  return (dir) => {
    const lock = existsSync(join(dir, 'uv.lock')) ? readFileSync(join(dir, 'uv.lock')) : undefined;
    for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
    rmSync(dir, { recursive: true });
    cli(join(dir, '..'), [appName(target), '--name', appName(target), '--python', target.python, '--yes', '--no-git', '--no-lock', '--no-launch', ...from]);
    cli(dir, ['--update', '--no-interactive', ...cliArgs(target, '.').slice(1)]);
    if (lock) writeFileSync(join(dir, 'uv.lock'), lock);
  };
}

const target = variant('managed', 'suspend', ['iad', 'lhr'], box.machinePython);
const CASES = [{ v: { ...target, id: `upd-${target.id}` }, from: ['--postgres', 'none', '--regions', 'iad', '--scaling', 'stop'] }].filter(
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
});
