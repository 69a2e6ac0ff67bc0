/**
 * The adopt tier: each fixture adopted with the built CLI, its files hashed
 * before and after, then built and run as Fly would (test/e2e/adopt.ts);
 * with E2E_BREAKAGES=1, each mistake of adoptBreakages.ts must be caught by
 * its check. Needs Docker with BuildKit and, for Alembic, PostgreSQL; it
 * skips loudly without them, and E2E_REQUIRED=1 makes that a failure.
 * Run it under `flock /tmp/e2e.lock` (host ports 8000 and 8080).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { adoptAndRun, FIXTURES } from './adopt.ts';
import { ADOPT_BREAKAGES } from './adoptBreakages.ts';
import { dropTierDatabases } from './postgres.ts';
import { openToolbox } from './toolbox.ts';

const box = await openToolbox();
const missing = !box.engine ? box.missing.get('docker') : !box.postgres ? box.missing.get('postgres') : undefined;
const skip = missing && !box.required ? `adopt tier: !! NOT RUN: ${missing}` : false;
const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : undefined;
const breakages = process.env.E2E_BREAKAGES === '1';

describe('adopt tier: fixtures adopted, built and run', { concurrency: 1 }, () => {
  after(async () => {
    if (box.postgres) await dropTierDatabases(box.postgres);
  });
  for (const fixture of FIXTURES.filter((entry) => !only || only.test(entry.name))) {
    it(fixture.name, { skip }, async () => {
      assert.equal(missing, undefined, missing);
      const outcomes = await adoptAndRun(box, fixture);
      for (const outcome of outcomes) console.log(`adopt ${fixture.name}: ${outcome.check} ${outcome.ok ? 'pass' : 'FAIL'} - ${outcome.note.split('\n')[0]}`);
      const failed = outcomes.find((outcome) => !outcome.ok);
      assert.equal(failed, undefined, failed && `${failed.check}: ${failed.note}`);
      const ran = outcomes.map((outcome) => outcome.check);
      assert.deepEqual(ran, ['adopt', 'user-files', 'image', 'contents', ...(fixture.database ? ['release' as const] : []), 'service-check', 'routes']);
    });
  }
});

describe('adopt tier breakages: each check fails on the mistake it exists for', { concurrency: 1 }, () => {
  for (const breakage of ADOPT_BREAKAGES.filter((entry) => !only || only.test(entry.name))) {
    it(`${breakage.check}: ${breakage.mistake}`, { skip: skip || (!breakages && 'E2E_BREAKAGES is not 1') }, async () => {
      const fixture = FIXTURES.find((entry) => entry.name === breakage.fixture)!;
      const outcomes = await adoptAndRun(box, fixture, breakage.edit);
      const failed = outcomes.find((outcome) => !outcome.ok);
      assert.equal(failed?.check, breakage.check, `expected ${breakage.check} to fail; ${outcomes.map((o) => `${o.check}=${o.ok ? 'pass' : 'FAIL'}`).join(' ')}: ${failed?.note ?? ''}`);
      assert.match(failed.note, breakage.says);
      console.log(`adopt breakage ${breakage.name}: ${breakage.check} FAIL as intended - ${failed.note.split('\n')[0]}`);
    });
  }
});
