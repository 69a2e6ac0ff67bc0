import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import { describe, it } from 'node:test';
import { parseArgs } from '../src/options/args.ts';
import { UsageError } from '../src/errors.ts';
import { helpText } from '../src/options/help.ts';
import { resolveOptions, type Asker } from '../src/options/resolve.ts';
import { rerunArgs } from '../src/options/rerun.ts';
import { BASE_DEPENDENCIES, BASE_DEV_DEPENDENCIES, POSTGRES_DEPENDENCIES } from '../src/plan/versions.ts';
import { LOCKED_PACKAGES, legacyDatabaseName, normalizePackageName } from '../src/options/rules.ts';
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
    [['--vm-memory', 'lots'], /^--vm-memory: 'lots'/],
    [['--min-machines', 'two'], /^--min-machines: 'two' is not a whole number$/],
    [['--min-machines', '-1'], /^--min-machines: '-1' is not a whole number$/],
    [['--org', 'Not Valid'], /^--org: 'Not Valid' is not an organization slug$/],
    [['--vm-memory', '1024000gb'], /^--vm-memory: '1024000gb' is more than the largest Machine has \(128gb\)$/],
    [['--vm-memory', '9.765625e+22gb'], /^--vm-memory: '9.765625e\+22gb' is not a memory size/],
    [['--name', 'a\nb'], /^--name: the value contains a control character \(U\+000A\); remove it$/],
    [['--org', 'acme\u0007'], /^--org: the value contains a control character \(U\+0007\)/],
    [['my\rapi'], /^\[directory\]: the name contains a control character \(U\+000D\)/],
    [['--bad\nflag'], /^"--bad\\nflag": unknown option/],
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
    [['--vm-size', 'shared-cpu-2x', '--vm-memory', '4gb'], /^--vm-memory: suspend works only up to 2gb; use --scaling stop for 4gb$/],
    // Fly's per-size limits: shared CPUs 256mb-2gb each, performance CPUs 2gb-8gb each in 1gb steps.
    [['--scaling', 'stop', '--vm-memory', '4gb'], /^--vm-memory: shared-cpu-1x takes 256mb to 2gb, not 4gb$/],
    [['--scaling', 'stop', '--vm-size', 'shared-cpu-8x', '--vm-memory', '1gb'], /^--vm-memory: shared-cpu-8x takes 2gb to 16gb, not 1gb$/],
    [['--scaling', 'stop', '--vm-size', 'performance-1x', '--vm-memory', '1gb'], /^--vm-memory: performance-1x takes 2gb to 8gb, not 1gb$/],
    [['--scaling', 'stop', '--vm-size', 'performance-2x', '--vm-memory', '4864mb'], /^--vm-memory: performance-2x takes memory in steps of 1gb, not 4864mb$/],
    [['--vm-memory', '300mb'], /^--vm-memory: shared-cpu-1x takes memory in steps of 256mb, not 300mb$/],
    [['--name', 'fastapi'], /^--name: 'fastapi' is also the name of a package the project installs/],
    [['--name', 'starlette'], /^--name: 'starlette' is also the name of a package/],
    [['--name', 'pydantic-settings'], /^--name: 'pydantic-settings' is also the name of a package/],
    [['--name', 'a'.repeat(64)], /^--name: 'a{64}' is not a valid Fly app name/],
    [['--name', 'Bad_Name'], /^--name: 'Bad_Name' is not a valid Fly app name/],
    [['--name', '-x-'], /^--name: '-x-' is not a valid Fly app name/],
  ];
  for (const [argv, pattern] of conflicts) {
    it(`refuses ${argv.join(' ')}`, async () => {
      await assert.rejects(resolveFlags(['x', ...argv]), usageError(pattern));
    });
  }

  it('refuses control characters from any source, not only flags (kits, answers)', async () => {
    await assert.rejects(
      resolveOptions({ directory: 'x', name: 'ok-name', org: 'a\u2028b', launch: true }, { env, yes: true }),
      usageError(/^--org: contains a control character \(U\+2028\)/),
    );
    await assert.rejects(resolveOptions({ directory: 'x\ty' }, { env, yes: true }), usageError(/^\[directory\]: contains a control character/));
  });

  it('refuses a folder name longer than the file system allows', async () => {
    await assert.rejects(resolveFlags(['a'.repeat(256)]), usageError(/^\[directory\]: a folder name is at most 255 bytes/));
    assert.equal((await resolveFlags(['a'.repeat(255), '--name', 'ok-name'])).directory.length, 255);
  });

  it('gives each Machine size memory it accepts by default', async () => {
    const sizes: [string, string][] = [['shared-cpu-1x', '512mb'], ['shared-cpu-8x', '2gb'], ['performance-1x', '2gb'], ['performance-16x', '32gb']];
    for (const [size, memory] of sizes) {
      assert.equal((await resolveFlags(['x', '--scaling', 'stop', '--vm-size', size])).vmMemory, memory);
    }
  });

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
    ['.', basename(process.cwd()).toLowerCase().replace(/[^a-z0-9-]+/g, '-')],
    ['./', basename(process.cwd()).toLowerCase().replace(/[^a-z0-9-]+/g, '-')],
    ['..', basename(dirname(process.cwd())).toLowerCase().replace(/[^a-z0-9-]+/g, '-')],
    ['sub/..', basename(process.cwd()).toLowerCase().replace(/[^a-z0-9-]+/g, '-')],
  ];
  for (const [directory, name] of cases) {
    it(`${directory} -> ${name}`, () => assert.equal(appNameFromDirectory(directory), name));
  }
});

describe('directory and name', () => {
  it('writes --name foo alone to ./foo', async () => {
    const options = await resolveFlags(['--name', 'foo']);
    assert.equal(options.directory, 'foo');
    assert.equal(options.name, 'foo');
  });

  it('suggests the given name as the directory when asking', async () => {
    const suggestions: Record<string, unknown> = {};
    const ask: Asker = async (def, suggested) => {
      suggestions[def.key] = suggested;
      return suggested;
    };
    await resolveOptions(given('--name', 'shop'), { env, ask });
    assert.equal(suggestions.directory, 'shop');
  });

  it('keeps the default folder without a name', async () => {
    assert.equal((await resolveFlags([])).directory, 'fly-fastapi-app');
  });
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

describe('names uv cannot lock', () => {
  it('include every package the project asks for directly', () => {
    const direct = [...BASE_DEPENDENCIES, ...BASE_DEV_DEPENDENCIES, ...POSTGRES_DEPENDENCIES].map((spec) => normalizePackageName(/^[A-Za-z0-9._-]+/.exec(spec)![0]));
    for (const name of direct) assert.ok(LOCKED_PACKAGES.includes(name), `${name} is missing from LOCKED_PACKAGES`);
  });
});

describe('legacy Postgres app name', () => {
  it('stays a valid app name, different from the app, for every length', () => {
    for (let length = 2; length <= 63; length++) {
      const apps = ['a'.repeat(length), `${'a'.repeat(Math.max(0, length - 3))}-db`, `${'a'.repeat(Math.max(0, length - 2))}-b`];
      for (const app of apps.filter((name) => /^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name))) {
        const db = legacyDatabaseName(app);
        assert.match(db, /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/, `${app} -> ${db}`);
        assert.notEqual(db, app);
      }
    }
    assert.equal(legacyDatabaseName('a'.repeat(62)), `${'a'.repeat(60)}-db`);
    assert.equal(legacyDatabaseName(`${'a'.repeat(59)}-bcd`), `${'a'.repeat(59)}-db`);
    assert.equal(legacyDatabaseName(`${'a'.repeat(60)}-db`), `${'a'.repeat(60)}-pg`);
  });
});
