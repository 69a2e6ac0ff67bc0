/** A kit in the pure core: loaded from a folder, laid over the plan; no CLI, no writing. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { planProject, type ProjectPlan } from '../src/plan/plan.ts';
import { RECORD_PATH } from '../src/record/record.ts';
import { kitSources } from '../src/sources/kit.ts';
import { loadKit } from '../src/kit/load.ts';
import type { Kit } from '../src/kit/types.ts';
import { resolveAnswers } from '../src/options/resolve.ts';
import type { ProjectOptions } from '../src/options/schema.ts';
import { loadTemplates } from '../src/templates/load.ts';
import { copyOfExampleKit } from './helpers/kit.ts';

const templates = await loadTemplates();
const env = { hasGit: true, hasUv: true, insideGitRepo: false };

async function kitFrom(edit?: (dir: string) => void): Promise<Kit> {
  const dir = copyOfExampleKit();
  edit?.(dir);
  return loadKit(dir, { spec: dir, kind: 'directory' });
}

async function planWith(kit: Kit | undefined, given: Partial<ProjectOptions> = {}): Promise<ProjectPlan> {
  const { locked, defaults } = kit ? kitSources(kit) : { locked: undefined, defaults: undefined };
  const sources = kit ? [locked!, defaults!] : [];
  const { options, origins } = await resolveAnswers({ directory: 'svc', ...given }, { env, yes: true, sources });
  return planProject(options, templates, { generatorVersion: '1.2.3', kit, origins });
}

function file(plan: ProjectPlan, path: string): string | undefined {
  return plan.files.find((candidate) => candidate.path === path)?.content as string | undefined;
}

function appendToml(dir: string, text: string): void {
  writeFileSync(join(dir, 'kit.toml'), readFileSync(join(dir, 'kit.toml'), 'utf8').replace('[dependencies]\nadd = ["structlog>=24.1"]', text));
}

describe('a kit in the plan', () => {
  it("a kit requirement for a distribution we already list replaces ours, however it is spelled", async () => {
    const kit = await kitFrom((dir) => appendToml(dir, '[dependencies]\nadd = ["FastAPI[standard]>=0.170", "Pydantic_Settings>=2.17"]'));
    const deps = (parse(file(await planWith(kit), 'pyproject.toml')!) as { project: { dependencies: string[] } }).project.dependencies;
    assert.deepEqual(deps.filter((dep) => /fastapi|pydantic/i.test(dep)), ['FastAPI[standard]>=0.170', 'Pydantic_Settings>=2.17']);
    const plain = (parse(file(await planWith(undefined), 'pyproject.toml')!) as { project: { dependencies: string[] } }).project.dependencies;
    assert.equal(deps.length, plain.length, 'replaced in place of ours, none doubled');
    assert.deepEqual(deps.filter((dep) => !/fastapi|pydantic/i.test(dep)), plain.filter((dep) => !/fastapi|pydantic/i.test(dep)));
  });

  it('a removal of a file these options do not produce is fine; the kit workflows render to nothing', async () => {
    const plan = await planWith(await kitFrom(), { workflows: false });
    assert.deepEqual(plan.files.map((f) => f.path).filter((path) => path.startsWith('.github/')), ['.github/CODEOWNERS']);
  });

  it('a Dockerfile that keeps the invariants replaces ours, and the record says the kit owns it', async () => {
    const dockerfile = 'FROM registry.acme.internal/python:3.14\nWORKDIR /app\nCOPY . /app\nEXPOSE 8000\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n';
    const plan = await planWith(await kitFrom((dir) => writeFileSync(join(dir, 'files', 'Dockerfile'), dockerfile)));
    assert.equal(file(plan, 'Dockerfile'), dockerfile);
    assert.equal(JSON.parse(file(plan, RECORD_PATH)!).files.Dockerfile.owner, 'kit');
  });

  it('removing alembic.ini is allowed when no release command reads it (no Postgres)', async () => {
    const kit = await kitFrom((dir) =>
      writeFileSync(join(dir, 'kit.toml'), readFileSync(join(dir, 'kit.toml'), 'utf8').replace('postgres = "managed"', 'postgres = "none"').replace('remove = [', 'remove = ["alembic.ini", ')),
    );
    const plan = await planWith(kit);
    assert.equal(file(plan, 'alembic.ini'), undefined);
  });

  it('kit templates see the same data as ours, and the kit itself', async () => {
    const kit = await kitFrom((dir) => {
      mkdirSync(join(dir, 'files', 'docs'), { recursive: true });
      writeFileSync(join(dir, 'files', 'docs', 'data.txt.hbs'), '{{name}} {{primaryRegion}} {{regionList}} {{python}} {{postgresKind}} {{#if postgres}}db{{/if}} {{kit.name}}@{{kit.version}}\n');
    });
    assert.equal(file(await planWith(kit, { name: 'orders' }), 'docs/data.txt'), 'orders fra fra, ams 3.14 managed db acme-fastapi@1.4.0\n');
  });

  it('without a kit, the record has no kit and every file is ours', async () => {
    const record = JSON.parse(file(await planWith(undefined), RECORD_PATH)!);
    assert.equal(record.kit, undefined);
    assert.deepEqual(new Set(Object.values(record.files).map((entry) => (entry as { owner: string }).owner)), new Set(['create-fly-fastapi']));
    assert.deepEqual(Object.keys(record), ['format', 'generator', 'mode', 'answers', 'origins', 'dependencies', 'files']);
    assert.deepEqual(record.generator, { name: 'create-fly-fastapi', version: '1.2.3' });
  });
});
