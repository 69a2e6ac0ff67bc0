/**
 * Seed files are written once and then belong to the user, so their text must not depend
 * on the options: switching Postgres or regions later may only touch files the generator
 * owns (app/platform/ among them). Every option combination is planned, and each seed
 * path must have one text across all the plans that contain it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileMode } from '../src/record/fileModes.ts';
import { planProject, type ProjectPlan } from '../src/plan/plan.ts';
import { parseArgs } from '../src/options/args.ts';
import { resolveOptions } from '../src/options/resolve.ts';
import { POSTGRES_KINDS, PYTHON_VERSIONS, SCALING_MODES } from '../src/options/schema.ts';
import { loadTemplates } from '../src/templates/load.ts';

const templates = await loadTemplates();
const env = { hasGit: true, hasUv: true, insideGitRepo: false };

/** Files the generator keeps up to date (three-way), whatever their text does, and its record. */
function managed(path: string): boolean {
  return path.startsWith('.create-fly-fastapi/') || fileMode(path, 'create-fly-fastapi') === 'managed';
}

/** Seeds that say which options were chosen, on purpose: the user's own notes and metadata. */
const VARYING_SEEDS = new Set(['README.md', 'pyproject.toml', '.env.example', 'compose.yaml']);

const PLATFORM_MARK = '"""Managed by create-fly-fastapi: `--update` rewrites it, merging your edits three-way.\n';

async function everyPlan(): Promise<ProjectPlan[]> {
  const plans: ProjectPlan[] = [];
  for (const name of ['geo-api', 'other-name'])
    for (const postgres of POSTGRES_KINDS)
      for (const scaling of SCALING_MODES)
        for (const regions of ['iad', 'fra', 'iad,lhr'])
          for (const python of PYTHON_VERSIONS) {
            const argv = [name, '--postgres', postgres, '--scaling', scaling, '--regions', regions, '--python', python, '--workflows'];
            const options = await resolveOptions(parseArgs(argv).given, { env, yes: true });
            plans.push(planProject(options, templates, { generatorVersion: '0.0.0-test' }));
          }
  return plans;
}

/** Each path, and the distinct texts it has across the plans. */
function textsByPath(plans: readonly ProjectPlan[]): Map<string, Set<string>> {
  const texts = new Map<string, Set<string>>();
  for (const plan of plans) {
    for (const file of plan.files) texts.set(file.path, (texts.get(file.path) ?? new Set()).add(file.content as string));
  }
  return texts;
}

const plans = await everyPlan();
const texts = textsByPath(plans);

describe('seed files', () => {
  it('are the same text in every option combination', () => {
    const seeds = [...texts.keys()].filter((path) => !managed(path) && !VARYING_SEEDS.has(path));
    // The files a user edits first: if these were not seeds, the test would prove nothing.
    for (const path of ['app/main.py', 'app/settings.py', 'app/errors.py', 'app/health.py', 'tests/conftest.py', 'tests/test_health.py', 'app/items.py']) {
      assert.ok(seeds.includes(path), `${path} is a seed`);
    }
    const varying = seeds.filter((path) => texts.get(path)!.size > 1);
    assert.deepEqual(varying, [], `seed files whose text depends on the options: ${varying.join(', ')}`);
  });

  it('include no template of their own: only the platform and the varying seeds are rendered', () => {
    const rendered = [...templates.keys()].filter((key) => key.endsWith('.hbs') && /^(base|postgres|multiregion)\/(app|tests|migrations)\//.test(key));
    assert.deepEqual(
      rendered.filter((key) => !key.includes('/app/platform/')),
      [],
      'a seed under app/, tests/ or migrations/ is a .hbs template',
    );
  });
});

describe('app/platform/', () => {
  it('varies with the options, so that the seeds need not', () => {
    for (const path of ['app/platform/settings.py', 'app/platform/wiring.py', 'app/platform/testing.py']) {
      assert.ok(texts.get(path)!.size > 1, `${path} has one text for every combination`);
    }
    const platformFiles = (plan: ProjectPlan) => plan.files.filter((file) => file.path.startsWith('app/platform/')).map((file) => file.path);
    const none = plans.find((plan) => plan.options.postgres === 'none')!;
    const replaying = plans.find((plan) => plan.options.postgres === 'managed' && plan.options.regions.length > 1)!;
    assert.deepEqual(
      platformFiles(replaying).filter((path) => !platformFiles(none).includes(path)).sort(),
      ['app/platform/database.py', 'app/platform/database_errors.py', 'app/platform/database_url.py', 'app/platform/readiness.py', 'app/platform/replay.py'],
    );
  });

  it('says in every module that the generator manages it', () => {
    for (const path of texts.keys()) {
      if (!path.startsWith('app/platform/')) continue;
      for (const text of texts.get(path)!) assert.ok(text.startsWith(PLATFORM_MARK), `${path} does not start with: ${PLATFORM_MARK}`);
    }
  });
});
