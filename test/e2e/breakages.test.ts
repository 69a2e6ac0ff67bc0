/**
 * The breakage suite: every check of the tier must be able to fail. Each
 * breakage in breakages.ts is made in a freshly generated project, the tier
 * runs on it, and the named check must FAIL with the stated reason.
 *
 * It costs a tier run per breakage, so it runs when E2E_BREAKAGES=1 (.ci/run
 * sets it on its first pass) and says so when it does not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BREAKAGES } from './breakages.ts';
import { VariantRun } from './checks.ts';
import { dropTierDatabases } from './postgres.ts';
import { ResultTable } from './report.ts';
import { VariantSteps, missingTool } from './steps.ts';
import { openToolbox } from './toolbox.ts';
import { variant } from './variants.ts';

const enabled = process.env.E2E_BREAKAGES === '1';
/** E2E_ONLY, a regular expression, runs only the breakages whose name it matches. */
const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : undefined;
const box = await openToolbox();

describe('every check of the tier fails on the mistake it exists to catch', { concurrency: 1 }, () => {
  before(async () => {
    if (!enabled) console.log('breakages: !! NOT RUN: set E2E_BREAKAGES=1 to break one thing per check and watch it fail (.ci/run does)');
    if (enabled && box.postgres) await dropTierDatabases(box.postgres);
  });
  after(async () => {
    if (enabled && box.postgres) await dropTierDatabases(box.postgres);
  });

  for (const breakage of BREAKAGES) {
    it(`${breakage.check}: ${breakage.mistake}`, { skip: (!enabled && 'E2E_BREAKAGES is not 1') || (only && !only.test(`brk-${breakage.name}`) && `E2E_ONLY leaves out brk-${breakage.name}`) }, async () => {
      const base = variant(breakage.postgres, 'suspend', breakage.regions ?? ['iad'], box.machinePython);
      const broken = { ...base, id: `brk-${breakage.name}` };
      const missing = (['uv', 'python', 'hadolint', 'docker', 'image', ...(breakage.postgres === 'managed' ? ['postgres' as const] : [])] as const)
        .map((need) => missingTool(box, need, broken.python))
        .find(Boolean);
      assert.equal(missing, undefined, `the breakage suite needs uv, hadolint, CPython ${broken.python}, Docker and PostgreSQL: ${missing?.note}`);

      const table = new ResultTable([broken.id]);
      const steps = new VariantSteps(box, table, broken, 'table-only', breakage.check);
      const runOfBroken = new VariantRun(broken, box, steps, breakage.edit);
      try {
        await runOfBroken.all(breakage.check);
      } finally {
        runOfBroken.remove();
      }
      const cell = table.get(broken.id, breakage.check);
      assert.equal(table.get(broken.id, 'generate')?.status, 'pass', 'the project must be generated before it is broken');
      assert.equal(cell?.status, 'FAIL', `${breakage.check} did not catch "${breakage.mistake}": ${cell?.status} ${cell?.note ?? ''}`);
      assert.match(cell.note ?? '', breakage.says, `${breakage.check} failed, but not for the reason the breakage makes`);
      console.log(`breakages: ${breakage.name}: ${breakage.check} FAIL as intended - ${(cell.note ?? '').split('\n')[0]}`);
    });
  }
});
