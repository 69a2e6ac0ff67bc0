/**
 * Properties over generated option combinations and names, through the same
 * parser and resolver as the command line: every accepted combination makes a
 * project whose fly.toml and pyproject.toml parse, whose Python compiles, and
 * whose Fly app and database names Fly accepts; every refused one is refused
 * with one line. The Python of all runs is compiled in one batch at the end.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { databaseName } from '../src/plan/flyCommands.ts';
import { planProject } from '../src/plan/plan.ts';
import { parseArgs } from '../src/options/args.ts';
import { UsageError } from '../src/errors.ts';
import { resolveOptions } from '../src/options/resolve.ts';
import { LOCKED_PACKAGES, formatMemory, memoryLimits, normalizePackageName } from '../src/options/rules.ts';
import { POSTGRES_KINDS, PYTHON_VERSIONS, SCALING_MODES, VM_SIZES, memoryInMb } from '../src/options/schema.ts';
import { REGIONS, RETIRED_REGIONS } from '../src/options/regions.ts';
import { loadTemplates } from '../src/templates/load.ts';
import { tempDir } from './helpers/cli.ts';

const templates = await loadTemplates();
const env = { hasGit: true, hasUv: true, insideGitRepo: false };
const FLY_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$/;
/** Generated text may hold newlines and tabs, nothing else below U+0020. */
const STRAY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 1500);

const python = new Map<string, string>();
const counts = { runs: 0, accepted: 0, refused: 0 };
const refusedBy = new Map<string, number>();

// Mostly values a user would give, some wild ones: both sides of every rule get exercised.
const directory = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,70}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('.', '..', './x', 'a/b/c', 'FastAPI', 'x', '-', 'my api', 'a'.repeat(63), `${'b'.repeat(60)}-db`) },
);
const name = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,70}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...LOCKED_PACKAGES, 'FastAPI', 'Typing_Extensions', 'a'.repeat(62), 'a'.repeat(63), `${'a'.repeat(60)}-db`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const mpgCodes = REGIONS.filter((region) => region.mpg).map((region) => region.code);
const regionCodes = [...REGIONS.map((region) => region.code), ...Object.keys(RETIRED_REGIONS).slice(0, 3), 'xyz'];
const regions = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...mpgCodes), fc.uniqueArray(fc.constantFrom(...REGIONS.map((r) => r.code)), { maxLength: 3 })).map(([primary, rest]) => [primary, ...rest.filter((code) => code !== primary)]) },
  { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...regionCodes), { minLength: 1, maxLength: 4 }) },
);
/** A size with memory: mostly within Fly's limits for it, sometimes anything. */
const machine = fc.constantFrom(...VM_SIZES).chain((size) => {
  const { min, max, step } = memoryLimits(size);
  const fits = fc.integer({ min: min / step, max: max / step }).map((k) => formatMemory(k * step));
  const any = fc.oneof(fc.integer({ min: 0, max: 140_000 }).map((mb) => `${mb}mb`), fc.integer({ min: 0, max: 200 }).map((gb) => `${gb}gb`));
  return fc.tuple(fc.constant(size), fc.oneof({ weight: 5, arbitrary: fits }, { weight: 1, arbitrary: any }));
});

const argv = fc
  .record(
    {
      directory,
      name: fc.option(name, { nil: undefined }),
      postgres: fc.constantFrom(...POSTGRES_KINDS),
      scaling: fc.constantFrom(...SCALING_MODES),
      minMachines: fc.option(fc.integer({ min: 0, max: 22 }), { nil: undefined, freq: 2 }),
      regions,
      python: fc.constantFrom(...PYTHON_VERSIONS),
      machine: fc.option(machine, { nil: undefined, freq: 4 }),
      workflows: fc.boolean(),
      launch: fc.boolean(),
      org: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/), { nil: undefined }),
    },
    { requiredKeys: ['directory', 'name', 'postgres', 'scaling', 'minMachines', 'regions', 'python', 'machine', 'workflows', 'launch', 'org'] },
  )
  .map((r) => {
    const args = ['--', r.directory];
    const flags = ['--postgres', r.postgres, '--scaling', r.scaling, '--regions', r.regions.join(','), '--python', r.python];
    if (r.name !== undefined) flags.push(`--name=${r.name}`);
    // Given where it does not apply now and then, to exercise that refusal too.
    if (r.scaling === 'warm' || r.minMachines === 0) flags.push('--min-machines', String(r.minMachines ?? 1));
    if (r.machine) {
      flags.push('--vm-size', r.machine[0], '--vm-memory', r.machine[1]);
      // suspend is only for up to 2gb; most combinations of bigger Machines use stop instead.
      if (r.scaling === 'suspend' && (memoryInMb(r.machine[1]) ?? 0) > 2048) flags[flags.indexOf('suspend')] = 'stop';
    }
    flags.push(r.workflows ? '--workflows' : '--no-workflows', r.launch ? '--launch' : '--no-launch');
    if (r.org && r.launch) flags.push('--org', r.org);
    return [...flags, ...args];
  });

async function check(args: string[]): Promise<void> {
  counts.runs++;
  let options;
  try {
    options = await resolveOptions(parseArgs(args).given, { env, yes: true });
  } catch (error) {
    assert.ok(error instanceof UsageError, `not a usage error: ${(error as Error).stack}`);
    assert.ok(!error.message.includes('\n'), `two lines: ${JSON.stringify(error.message)}`);
    const flag = /^(--[\w-]+|\[directory\])/.exec(error.message)?.[1] ?? error.message.split(' ')[0]!;
    refusedBy.set(flag, (refusedBy.get(flag) ?? 0) + 1);
    counts.refused++;
    return;
  }
  counts.accepted++;
  const plan = planProject(options, templates, { generatorVersion: '0.0.0-test' });
  const fly = parse(plan.files.find((file) => file.path === 'fly.toml')!.content as string) as { app: string };
  const pyproject = parse(plan.files.find((file) => file.path === 'pyproject.toml')!.content as string) as { project: { name: string } };
  assert.equal(fly.app, options.name);
  assert.equal(pyproject.project.name, options.name);
  assert.match(options.name, FLY_NAME);
  assert.ok(!LOCKED_PACKAGES.includes(normalizePackageName(options.name)), `${options.name} shadows a dependency`);
  const db = databaseName(options);
  assert.match(db, FLY_NAME);
  assert.notEqual(db, options.name);
  for (const file of plan.files) {
    assert.doesNotMatch(file.content as string, STRAY_CONTROL, `${file.path} holds a control character`);
    if (file.path.endsWith('.py')) python.set(createHash('sha256').update(file.content).digest('hex'), file.content as string);
  }
}

describe('properties of every option combination', () => {
  after(() => {
    const refused = [...refusedBy].sort((a, b) => b[1] - a[1]).map(([flag, count]) => `${flag} ${count}`).join(', ');
    console.log(`property test: ${counts.runs} runs, ${counts.accepted} accepted, ${counts.refused} refused (${refused}); ${python.size} distinct Python files compiled`);
  });

  it(`${RUNS} generated combinations: valid TOML, valid names, or one line naming the flag`, async () => {
    await fc.assert(fc.asyncProperty(argv, check), { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31) });
    assert.ok(counts.accepted > RUNS / 4, `only ${counts.accepted} of ${counts.runs} accepted: the generators miss the valid space`);
  });

  it('every generated Python file compiles (one py_compile batch)', () => {
    const dir = tempDir('cff-prop-');
    const paths = [...python.values()].map((content, index) => {
      const path = join(dir, `f${index}.py`);
      writeFileSync(path, content);
      return path;
    });
    assert.ok(paths.length > 0);
    const compiled = spawnSync('python3', ['-m', 'py_compile', ...paths], { encoding: 'utf8' });
    assert.equal(compiled.status, 0, compiled.stderr);
  });
});
