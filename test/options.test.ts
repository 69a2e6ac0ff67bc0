import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../src/options/args.ts';
import { UsageError } from '../src/options/errors.ts';
import { helpText } from '../src/options/help.ts';
import { resolveOptions, type Asker } from '../src/options/resolve.ts';
import { rerunArgs } from '../src/options/rerun.ts';
import { OPTIONS, appNameFromDirectory, type Environment, type ProjectOptions } from '../src/options/schema.ts';

const env: Environment = { hasGit: true, hasUv: true, insideGitRepo: false };

function given(...argv: string[]) {
  return parseArgs(argv).given;
}

async function resolveFlags(argv: string[], settings: { yes?: boolean; env?: Environment } = {}) {
  return resolveOptions(given(...argv), { env: settings.env ?? env, yes: settings.yes ?? true });
}

function usageError(pattern: RegExp) {
  return (error: unknown) => error instanceof UsageError && pattern.test(error.message) && !error.message.includes('\n');
}

describe('parseArgs', () => {
  it('reads values in both spellings, switches and the directory', () => {
    const { given, run } = parseArgs(['my-api', '--postgres', 'none', '--scaling=warm', '--no-git', '-y', '--dry-run']);
    assert.deepEqual(given, { directory: 'my-api', postgres: 'none', scaling: 'warm', git: false });
    assert.equal(run.yes, true);
    assert.equal(run.dryRun, true);
    assert.equal(run.interactive, undefined);
  });

  it('treats --no-postgres as --postgres none', () => {
    assert.equal(given('--no-postgres').postgres, 'none');
  });

  it('normalises regions and memory', () => {
    assert.deepEqual(given('--regions', ' IAD, lhr ,').regions, ['iad', 'lhr']);
    assert.equal(given('--vm-memory', '1024mb').vmMemory, '1gb');
    assert.equal(given('--vm-memory', '768MB').vmMemory, '768mb');
  });

  const invalid: [string[], RegExp][] = [
    [['--bogus'], /^--bogus: unknown option/],
    [['-x'], /^-x: unknown option/],
    [['--postgres', 'mysql'], /^--postgres: 'mysql' is not one of none, managed, unmanaged, external$/],
    [['--scaling', 'fast'], /^--scaling: 'fast' is not one of/],
    [['--python', '3.10'], /^--python: '3.10' is not one of 3.11, 3.12, 3.13, 3.14$/],
    [['--vm-size', 'huge'], /^--vm-size: 'huge'/],
    [['--vm-memory', '300mb'], /^--vm-memory: '300mb' is not a memory size/],
    [['--vm-memory', 'lots'], /^--vm-memory: 'lots'/],
    [['--min-machines', 'two'], /^--min-machines: 'two' is not a whole number$/],
    [['--min-machines', '-1'], /^--min-machines: '-1' is not a whole number$/],
    [['--org', 'Not Valid'], /^--org: 'Not Valid' is not an organization slug$/],
    [['--postgres'], /^--postgres: needs a value <kind>$/],
    [['--postgres', '--yes'], /^--postgres: needs a value/],
    [['--name='], /^--name: needs a value/],
    [['--git=false'], /^--git: takes no value/],
    [['--yes=1'], /^--yes: takes no value$/],
    [['--no-yes'], /^--no-yes: unknown option/],
    [['--no-regions'], /^--no-regions: unknown option/],
    [['a', 'b'], /^unexpected argument 'b'/],
    [['--postgres', 'none', '--no-postgres'], /^--no-postgres: given twice \(also as --postgres\)$/],
  ];
  for (const [argv, pattern] of invalid) {
    it(`refuses ${argv.join(' ')}`, () => {
      assert.throws(() => parseArgs(argv), usageError(pattern));
    });
  }
});

describe('resolveOptions', () => {
  it('fills every question with its default under --yes', async () => {
    const options = await resolveFlags(['my-api']);
    assert.deepEqual(options, {
      directory: 'my-api',
      name: 'my-api',
      postgres: 'managed',
      scaling: 'suspend',
      minMachines: 0,
      regions: ['iad'],
      python: '3.14',
      vmSize: 'shared-cpu-1x',
      vmMemory: '512mb',
      workflows: true,
      launch: false,
      org: undefined,
      git: true,
      lock: true,
    } satisfies ProjectOptions);
  });

  it('lets a flag win over the default', async () => {
    const options = await resolveFlags(['x', '--name', 'other', '--scaling', 'warm', '--min-machines', '3', '--regions', 'fra,sin']);
    assert.equal(options.name, 'other');
    assert.equal(options.minMachines, 3);
    assert.deepEqual(options.regions, ['fra', 'sin']);
  });

  it('derives git and lock from the machine', async () => {
    const bare = await resolveFlags(['x'], { env: { hasGit: false, hasUv: false, insideGitRepo: false } });
    assert.equal(bare.git, false);
    assert.equal(bare.lock, false);
    const nested = await resolveFlags(['x'], { env: { hasGit: true, hasUv: true, insideGitRepo: true } });
    assert.equal(nested.git, false, 'no repository inside another one');
  });

  it('names every missing question flag in one line without --yes', async () => {
    await assert.rejects(
      resolveOptions(given('my-api', '--postgres', 'none'), { env }),
      usageError(/^missing --scaling, --regions, --workflows, --launch \(no terminal to ask in\): give them, or --yes/),
    );
    await assert.rejects(resolveOptions({}, { env }), usageError(/^missing \[directory\], --postgres/));
  });

  it('needs no --yes when every question has a flag', async () => {
    const options = await resolveOptions(given('a', '--postgres', 'none', '--scaling', 'stop', '--regions', 'ams', '--no-workflows', '--no-launch'), { env });
    assert.equal(options.scaling, 'stop');
  });

  const conflicts: [string[], RegExp][] = [
    [['--min-machines', '2'], /^--min-machines applies only with --scaling warm$/],
    [['--scaling', 'warm', '--min-machines', '0'], /^--min-machines: warm needs between 1 and 20 Machines, got 0$/],
    [['--org', 'acme'], /^--org applies only with --launch$/],
    [['--regions', 'sea'], /^--regions: region 'sea' was retired by Fly.io; use 'sjc' instead$/],
    [['--regions', 'iad,xyz'], /^--regions: 'xyz' is not a Fly.io region/],
    [['--regions', 'iad,iad'], /^--regions: region 'iad' is listed twice$/],
    [['--regions', 'bom'], /^--regions: Managed Postgres is not offered in 'bom'; pick a primary region from ams, fra/],
    [['--vm-memory', '4gb'], /^--vm-memory: suspend works only up to 2gb; use --scaling stop for 4gb$/],
    [['--name', 'Bad_Name'], /^--name: 'Bad_Name' is not a valid Fly app name/],
    [['--name', '-x-'], /^--name: '-x-' is not a valid Fly app name/],
  ];
  for (const [argv, pattern] of conflicts) {
    it(`refuses ${argv.join(' ')}`, async () => {
      await assert.rejects(resolveFlags(['x', ...argv]), usageError(pattern));
    });
  }

  it('allows a non-Managed-Postgres region when Postgres is not managed', async () => {
    const options = await resolveFlags(['x', '--postgres', 'unmanaged', '--regions', 'bom,iad']);
    assert.deepEqual(options.regions, ['bom', 'iad']);
  });

  it('asks only unanswered questions, in order, and offers earlier answers again', async () => {
    const asked: string[] = [];
    const ask: Asker = async (def, suggested) => {
      asked.push(`${def.key}=${JSON.stringify(suggested)}`);
      return suggested;
    };
    const options = await resolveOptions(given('--scaling', 'stop'), {
      env,
      ask,
      previous: { directory: 'before', postgres: 'none', regions: ['fra'] },
    });
    assert.deepEqual(asked, ['directory="before"', 'postgres="none"', 'regions=["fra"]', 'workflows=true', 'launch=false']);
    assert.equal(options.name, 'before');
  });

  it('asks for the Machine count only for warm', async () => {
    const asked: string[] = [];
    const ask: Asker = async (def, suggested) => {
      asked.push(def.key);
      return suggested;
    };
    await resolveOptions(given('x', '--scaling', 'warm'), { env, ask });
    assert.ok(asked.includes('minMachines'));
  });
});

describe('appNameFromDirectory', () => {
  const cases: [string, string][] = [
    ['my-api', 'my-api'],
    ['./projects/My API/', 'my-api'],
    ['Über_Service!!', 'ber-service'],
    ['x', 'x-api'],
    ['---', 'fly-fastapi-app'],
    ['a'.repeat(80), 'a'.repeat(63)],
  ];
  for (const [directory, name] of cases) {
    it(`${directory} -> ${name}`, () => assert.equal(appNameFromDirectory(directory), name));
  }
});

describe('rerun line', () => {
  it('round-trips through the parser to the same options', async () => {
    const options = await resolveFlags([
      'svc', '--postgres', 'unmanaged', '--scaling', 'warm', '--min-machines', '2', '--regions', 'bom,sin',
      '--python', '3.12', '--vm-memory', '1gb', '--no-workflows', '--no-git',
    ]);
    const again = await resolveOptions(given(options.directory, ...rerunArgs(options)), { env });
    assert.deepEqual(again, options);
  });
});

describe('--help', () => {
  it('fits 80 columns and lists every flag of the schema', () => {
    const text = helpText('1.2.3');
    for (const line of text.split('\n')) assert.ok(line.length <= 80, `too wide: ${line}`);
    for (const def of OPTIONS) if (def.flag) assert.ok(text.includes(`--${def.flag}`), def.flag);
  });
});
