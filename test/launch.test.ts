/**
 * --launch against a fake flyctl (test/fixtures/fake-fly): it records every call,
 * rejects flags flyctl does not have, and plays the scenarios flyctl puts users
 * through. Each scenario runs the built CLI the way a user's shell would.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'smol-toml';
import {
  databaseName,
  deployArgs,
  extraRegionArgs,
  launchArgs,
  managedPostgresArgs,
  unmanagedPostgresArgs,
  type Argv,
} from '../src/plan/flyCommands.ts';
import { EXTERNAL_DATABASE_SECRET, nextSteps } from '../src/plan/nextSteps.ts';
import { planProject } from '../src/plan/plan.ts';
import { parseArgs } from '../src/options/args.ts';
import { resolveOptions } from '../src/options/resolve.ts';
import { POSTGRES_KINDS, SCALING_MODES, type ProjectOptions } from '../src/options/schema.ts';
import { maskSecrets } from '../src/steps/launch.ts';
import { compareFlyToml, restoreFlyToml } from '../src/plan/flyTomlRestore.ts';
import { loadTemplates } from '../src/templates/load.ts';
import { runCli, tempDir, type CliRun } from './helpers/cli.ts';

const FAKE_DIR = new URL('./fixtures/fake-fly/', import.meta.url).pathname;
const FAKE_SCRIPT = join(FAKE_DIR, 'fake-fly.mjs');
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const templates = await loadTemplates();
const env = { hasGit: true, hasUv: true, insideGitRepo: false };
const RENAMED = 'my-api-misty-frost-4821';

async function optionsFor(argv: string[]): Promise<ProjectOptions> {
  return resolveOptions(parseArgs(argv).given, { env, yes: true });
}

interface LaunchRun extends CliRun {
  calls: { argv: string[]; cwd: string; stdinIsTTY: boolean }[];
  dir: string;
  flyToml: string;
  /** The fly.toml this run generated, before flyctl touched it. */
  generated: string;
}

/** `node index.js my-api --yes --launch --no-lock --no-git ...flags`, with the fake first on PATH. */
async function launch(scenario: string, flags: string[] = [], path?: string): Promise<LaunchRun> {
  const cwd = tempDir('cff-launch-');
  const log = join(cwd, 'fly-calls.jsonl');
  const argv = ['my-api', '--yes', '--launch', '--no-lock', '--no-git', ...flags];
  const run = runCli(argv, {
    cwd,
    env: { PATH: path ?? `${FAKE_DIR}${delimiter}${process.env.PATH}`, FAKE_FLY_SCENARIO: scenario, FAKE_FLY_LOG: log, FAKE_FLY_NODE: process.execPath },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : [];
  const dir = join(cwd, 'my-api');
  const plan = planProject(await optionsFor(argv), templates, { generatorVersion: VERSION });
  const generated = plan.files.find((file) => file.path === 'fly.toml')!.content as string;
  return { ...run, calls, dir, flyToml: readFileSync(join(dir, 'fly.toml'), 'utf8'), generated };
}

const LAUNCH = ['launch', '--no-deploy', '--copy-config', '--yes', '--name', 'my-api', '--region', 'iad', '--ha=false', '--no-github-workflow', '--no-redis', '--no-object-storage'];
const WHOAMI = ['auth', 'whoami'];

function argvs(run: LaunchRun): string[][] {
  return run.calls.map((call) => call.argv);
}

describe('--launch with a fake flyctl', () => {
  it('launches, puts our fly.toml back after flyctl rewrites it, and masks the database password', async () => {
    const run = await launch('success');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(argvs(run), [WHOAMI, [...LAUNCH, '--db=mpg']]);
    assert.ok(run.calls.every((call) => call.cwd === run.dir && !call.stdinIsTTY), 'runs in the project, never waits on stdin');
    assert.equal(run.flyToml, run.generated);
    assert.match(run.stdout, /Created the Fly app my-api in organization personal as dev@example\.com; nothing is deployed yet\./);
    assert.match(run.stdout, /flyctl rewrote fly\.toml \(comments and order\); it is back as generated, with app = "my-api"\./);
    assert.match(run.stdout, /flyctl also added vm\[0\]\.cpu_kind, vm\[0\]\.cpus; they are gone again\./);
    assert.match(run.stdout, /DATABASE_URL=postgresql:\/\/fly-user:\*\*\*\*@pgbouncer\.q7v2lk9\.flympg\.net\/fly-db/);
    assert.doesNotMatch(run.stdout + run.stderr, /Zx81pQ2secret/);
    assert.match(run.stdout, /session mode unless you change it, so the release command migrates through it/);
    assert.doesNotMatch(run.stdout, /secrets set|postgresql:\/\/\.\.\./, 'no placeholder URL to paste: the direct URL is optional');
    assert.match(run.stdout, /│  fly deploy --ha=false/);
    assert.doesNotMatch(run.stdout, /│  fly launch/, 'the next steps no longer say launch');
  });

  it('keeps the name flyctl picked when ours is taken, and says so', async () => {
    const run = await launch('name-taken');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(argvs(run), [WHOAMI, [...LAUNCH, '--db=mpg']]);
    assert.equal(run.flyToml, run.generated.replace('app = "my-api"', `app = "${RENAMED}"`));
    assert.match(run.stdout, new RegExp(`The name my-api is taken, so flyctl named the app ${RENAMED}\\.`));
    assert.match(run.stdout, /the commands in the README, run in the project directory, take the name from it/);
    assert.doesNotMatch(run.stdout, /--app/, 'no printed command names the app: flyctl reads it from fly.toml');
  });

  it('restores settings flyctl changed or dropped, and lists them', async () => {
    const run = await launch('drops-setting', ['--postgres', 'none']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(argvs(run), [WHOAMI, [...LAUNCH, '--no-db']]);
    assert.equal(run.flyToml, run.generated);
    assert.match(run.stdout, /flyctl changed 2 settings in fly\.toml; ours are restored:/);
    assert.match(run.stdout, /http_service\.auto_stop_machines: ours "suspend", flyctl "stop"/);
    assert.match(run.stdout, /http_service\.checks: ours \[\{"grace_period":"10s".*, flyctl \(none\)/);
  });

  it('exits 4 when flyctl crashes, keeps the project, and shows the last lines and the way back', async () => {
    const run = await launch('crash');
    assert.equal(run.status, 4);
    assert.deepEqual(argvs(run), [WHOAMI, [...LAUNCH, '--db=mpg']]);
    assert.equal(run.flyToml, run.generated);
    assert.ok(existsSync(join(run.dir, 'app', 'main.py')));
    assert.match(run.stdout, /fly launch --no-deploy .* failed \(exit code 2\)\. Its last lines:/);
    assert.match(run.stdout, /panic: runtime error: invalid memory address/);
    assert.match(run.stdout, /To retry:\n│ {4}cd \S+my-api\n│ {4}fly apps destroy my-api --yes {3}# created before the failure\n│ {4}fly launch --no-deploy/);
  });

  it('exits 4 without a flyctl session and says to log in first', async () => {
    const run = await launch('not-logged-in');
    assert.equal(run.status, 4);
    assert.deepEqual(argvs(run), [WHOAMI]);
    assert.equal(run.flyToml, run.generated);
    assert.match(run.stdout, /flyctl is not logged in \(fly auth whoami failed: Error: No access token available\. Please login with 'flyctl auth login'\)\. Nothing was created on Fly\.io/);
    assert.match(run.stdout, /Log in, then launch:\n│ {4}cd \S+\n│ {4}fly auth login\n│ {4}fly launch --no-deploy/);
  });

  it('exits 4 without flyctl on PATH and says how to install it', async () => {
    const run = await launch('success', [], join(tempDir(), 'empty-bin'));
    assert.equal(run.status, 4);
    assert.deepEqual(run.calls, []);
    assert.equal(run.flyToml, run.generated);
    assert.match(run.stdout, /flyctl is not installed: neither fly nor flyctl is on PATH\. Nothing was created on Fly\.io; the project is ready in /);
    assert.match(run.stdout, /Install it:\n│ {4}curl -L https:\/\/fly\.io\/install\.sh \| sh\n│ {2}then launch:/);
    assert.match(run.stdout, /│ {4}fly launch --no-deploy --copy-config --yes --name my-api/);
  });

  it('finds flyctl under its long name and spells the commands that way', async () => {
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'flyctl'), `#!/bin/sh\nexec "$FAKE_FLY_NODE" '${FAKE_SCRIPT}' "$@"\n`);
    chmodSync(join(bin, 'flyctl'), 0o755);
    const run = await launch('not-logged-in', [], `${bin}${delimiter}${process.env.PATH}`);
    assert.equal(run.status, 4);
    assert.deepEqual(argvs(run), [WHOAMI]);
    assert.match(run.stdout, /flyctl auth whoami failed/);
    assert.match(run.stdout, /│ {4}flyctl auth login\n│ {4}flyctl launch --no-deploy/);
  });

  it('creates and attaches legacy Postgres after launch, in the same organization', async () => {
    const run = await launch('success', ['--postgres', 'unmanaged', '--org', 'acme']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(argvs(run), [
      WHOAMI,
      [...LAUNCH, '--org', 'acme', '--no-db'],
      ['postgres', 'create', '--name', 'my-api-db', '--region', 'iad', '--org', 'acme', '--initial-cluster-size', '1', '--vm-size', 'shared-cpu-1x', '--volume-size', '1'],
      ['postgres', 'attach', 'my-api-db', '--yes'],
    ]);
    assert.equal(run.flyToml, run.generated);
    assert.match(run.stdout, /Fly Postgres my-api-db is created and attached: DATABASE_URL is set on my-api\./);
    assert.match(run.stdout, /Password: {4}\*\*\*\*\n/);
    assert.doesNotMatch(run.stdout, /k3Pw9longpassword|u8Yt2pw/);
  });

  it('attaches legacy Postgres to the name flyctl picked, read from fly.toml in the project', async () => {
    const run = await launch('name-taken', ['--postgres', 'unmanaged']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(argvs(run).at(-1), ['postgres', 'attach', 'my-api-db', '--yes']);
    assert.equal(run.calls.at(-1)!.cwd, run.dir);
    assert.match(run.flyToml, new RegExp(`app = "${RENAMED}"`));
    assert.equal(argvs(run)[2]![7], 'personal', 'create goes to the organization launch reported');
  });

  it('exits 4 when postgres create fails, and gives both commands to finish', async () => {
    const run = await launch('pg-create-fails', ['--postgres', 'unmanaged']);
    assert.equal(run.status, 4);
    assert.deepEqual(argvs(run).map((argv) => argv.slice(0, 2).join(' ')), ['auth whoami', 'launch --no-deploy', 'postgres create']);
    assert.match(run.stdout, /fly postgres create --name my-api-db .* failed \(exit code 1\)\. Its last lines:\n│ {4}Creating postgres cluster in organization personal\n│ {4}Error: Name "my-api-db" is already taken/);
    assert.match(run.stdout, /To retry:\n│ {4}cd \S+\n│ {4}fly postgres create --name my-api-db .*\n│ {4}fly postgres attach my-api-db --yes/);
  });

  it('exits 4 when flyctl reports a failed Managed Postgres cluster but exits 0', async () => {
    const run = await launch('mpg-fails');
    assert.equal(run.status, 4);
    assert.equal(run.flyToml, run.generated);
    assert.match(run.stdout, /The app has no database attached yet\. flyctl said:\n│ {4}Error creating Managed Postgres cluster: /);
    assert.match(run.stdout, /│ {4}fly mpg create --name my-api-db --region iad --plan basic --org personal\n│ {4}fly mpg attach CLUSTER_ID\n/);
  });

  it('leaves an external DATABASE_URL to a secret, never a file', async () => {
    const run = await launch('success', ['--postgres', 'external', '--scaling', 'always-on', '--regions', 'iad,lhr']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(argvs(run), [WHOAMI, [...LAUNCH.map((arg) => (arg === '--ha=false' ? '--ha=true' : arg)), '--no-db']]);
    assert.match(run.stdout, /as a secret \(never in a file\):\n│ {4}fly secrets set DATABASE_URL=<url> {3}# your PostgreSQL URL, see README\n/);
    assert.match(run.stdout, /│ {2}fly deploy {2,}│\n│ {2}fly scale count 1 --region lhr --yes/);
    assert.doesNotMatch(run.flyToml, /DATABASE_URL/);
  });
});

describe('fly.toml after flyctl', () => {
  const ours = { app: 'a', kill_timeout: 10, http_service: { auto_stop_machines: 'suspend', checks: [{ path: '/healthz', interval: '60s' }] }, vm: [{ size: 'shared-cpu-1x' }] };

  it('treats durations flyctl respells as the same setting', () => {
    const theirs = { app: 'b', kill_timeout: '10s', http_service: { auto_stop_machines: 'suspend', checks: [{ path: '/healthz', interval: '1m0s' }] }, vm: [{ size: 'shared-cpu-1x' }] };
    assert.deepEqual(compareFlyToml(ours, theirs), { changes: [], added: [] });
  });

  it('reports a dropped table once, at its outermost missing key, and what flyctl added', () => {
    const theirs = { app: 'a', kill_timeout: '20s', http_service: { auto_stop_machines: 'suspend' }, vm: [{ size: 'shared-cpu-1x', cpus: 1 }], swap_size_mb: 512 };
    assert.deepEqual(compareFlyToml(ours, theirs), {
      changes: [
        { path: 'kill_timeout', ours: 10, theirs: '20s' },
        { path: 'http_service.checks', ours: [{ path: '/healthz', interval: '60s' }], theirs: undefined },
      ],
      added: [
        { path: 'vm[0].cpus', ours: undefined, theirs: 1 },
        { path: 'swap_size_mb', ours: undefined, theirs: 512 },
      ],
    });
  });

  it('puts ours back even when flyctl leaves no readable file', () => {
    const text = `# header\n\n${stringify(ours)}\n`;
    const result = restoreFlyToml(text, 'app = ');
    assert.equal(result.appName, 'a');
    assert.equal(result.report.restored, true);
    assert.match(result.report.problem ?? '', /no readable fly\.toml/);
  });

  it('does not overwrite a fly.toml holding settings it cannot render', () => {
    const text = `# header\n\n${stringify({ ...ours, swap_size_mb: 512 })}\n`;
    const result = restoreFlyToml(text, stringify({ ...ours, app: 'b' }));
    assert.equal(result.text, undefined);
    assert.equal(result.report.restored, false);
    assert.equal(result.appName, 'b');
  });

  it('masks passwords in what flyctl prints', () => {
    assert.equal(maskSecrets('  DATABASE_URL=postgres://u:p%40ss@h:5432/d?sslmode=disable'), '  DATABASE_URL=postgres://u:****@h:5432/d?sslmode=disable');
    assert.equal(maskSecrets('  Password:    hunter2'), '  Password:    ****');
    assert.equal(maskSecrets('Hostname: my-api.fly.dev'), 'Hostname: my-api.fly.dev');
  });
});

/** Splits a shell line the way sh would for the quoting we print: words, 'single quotes', a trailing # comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quoted = false;
  for (const char of line) {
    if (quoted) {
      if (char === "'") quoted = false;
      else word += char;
    } else if (char === "'") {
      quoted = true;
      word ??= '';
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === '#' && word === undefined) {
      break;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function checkWithFake(argv: Argv, where: string): void {
  const result = spawnSync(process.execPath, [FAKE_SCRIPT, ...argv], { env: { ...process.env, FAKE_FLY_SCENARIO: 'check-args', FAKE_FLY_LOG: '' }, encoding: 'utf8' });
  assert.equal(result.status, 0, `${where}: flyctl would refuse ${argv.join(' ')}\n${result.stderr}`);
}

describe('every flyctl command we run or print', () => {
  it('is one flyctl accepts, for every variant, in the step, the next steps, the README and the workflow', async () => {
    let checked = 0;
    for (const postgres of POSTGRES_KINDS) {
      for (const scaling of SCALING_MODES) {
        const argv = ['x-api', '--postgres', postgres, '--scaling', scaling, '--regions', 'iad,lhr', '--launch', '--org', 'acme'];
        const options = await optionsFor(argv);
        const target = { org: 'acme' };
        const direct = [launchArgs(options), deployArgs(options), ...unmanagedPostgresArgs(options, target), ...managedPostgresArgs(options, target), ...extraRegionArgs(options)];
        for (const args of direct) checkWithFake(args, 'flyCommands');

        const steps = nextSteps(options, { locked: false, launched: false }).filter((line) => line.startsWith('fly '));
        for (const line of steps) checkWithFake(shellWords(line).slice(1), 'next steps');

        const files = planProject(options, templates, { generatorVersion: VERSION }).files;
        const readme = files.find((file) => file.path === 'README.md')!.content as string;
        const shellBlocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => block[1]!.split('\n'));
        const readmeCommands = shellBlocks.filter((line) => line.startsWith('fly '));
        assert.ok(readmeCommands.includes(`fly ${deployArgs(options).join(' ')}`), `README deploys with ${deployArgs(options).join(' ')}`);
        for (const line of readmeCommands) checkWithFake(shellWords(line).slice(1), 'README');

        const workflow = files.find((file) => file.path === '.github/workflows/fly-deploy.yml')!.content as string;
        const deployLine = /run: flyctl (deploy.*)$/m.exec(workflow)![1]!;
        assert.deepEqual(shellWords(deployLine).filter((word) => word !== '--remote-only'), [...deployArgs(options)]);
        checkWithFake(shellWords(deployLine), 'fly-deploy.yml');
        // All of these run in the project directory, where flyctl reads the (possibly renamed) app from fly.toml.
        for (const command of [...direct.map((args) => args.join(' ')), ...steps, ...readmeCommands, workflow]) {
          assert.doesNotMatch(command, /(^|\s)(--app|-a)(\s|=)/, `names the app: ${command.slice(0, 80)}`);
        }
        checked += direct.length + steps.length + readmeCommands.length + 1;
      }
    }
    assert.ok(checked > 100, `${checked} commands checked`);
  });

  it('names the legacy database within the 63 characters Fly allows, never ending in a dash nor equal to the app', async () => {
    const names = ['a', 'a'.repeat(60), 'a'.repeat(61), 'a'.repeat(62), 'a'.repeat(63), `${'a'.repeat(59)}-bcd`, `${'a'.repeat(58)}--bcde`];
    for (const name of names) {
      const options = { ...(await optionsFor(['x-api', '--postgres', 'unmanaged'])), name };
      const database = databaseName(options);
      assert.ok(database.length <= 63, `${database} is ${database.length} long`);
      assert.match(database, /^[a-z0-9][a-z0-9-]*[a-z0-9]$/, database);
      assert.notEqual(database, name);
    }
  });

  it('makes a warm minimum above two true with fly scale count, in the next steps and the README', async () => {
    for (const minMachines of [1, 2, 3, 7]) {
      const options = await optionsFor(['x-api', '--scaling', 'warm', '--min-machines', String(minMachines), '--regions', 'fra,lhr']);
      const scale = `fly scale count ${minMachines} --region fra --yes`;
      const steps = nextSteps(options, { locked: true, launched: true });
      const readme = planProject(options, templates, { generatorVersion: VERSION }).files.find((file) => file.path === 'README.md')!.content as string;
      if (minMachines > 2) {
        assert.ok(steps.indexOf(scale) > steps.indexOf('fly deploy'), `${scale} after the first deploy: ${steps.join(' / ')}`);
        assert.ok(readme.includes(`\n${scale}\n`), `README says ${scale}`);
      } else {
        assert.ok(!steps.some((step) => step.includes('--region fra')), steps.join(' / '));
        assert.doesNotMatch(readme, /fly scale count \d+ --region fra/);
      }
    }
  });

  it('starts the local database before the steps that need it', async () => {
    const options = await optionsFor(['x-api', '--postgres', 'managed']);
    const steps = nextSteps(options, { locked: true, launched: false });
    const at = (prefix: string) => steps.findIndex((step) => step.startsWith(prefix));
    assert.ok(at('docker compose up -d --wait') > at('uv sync'));
    assert.ok(at('cp .env.example .env') > at('docker compose up'));
    assert.ok(at('uv run alembic upgrade head') > at('cp .env.example .env'));
    const none = nextSteps(await optionsFor(['x-api', '--no-postgres']), { locked: true, launched: false });
    assert.ok(!none.some((step) => step.includes('compose')));
  });

  it('prints no database URL placeholder that a shell would pass to flyctl as it stands', () => {
    const pasted = spawnSync('sh', ['-c', EXTERNAL_DATABASE_SECRET.replace(/^fly /, 'echo reached-flyctl ')], { cwd: tempDir(), encoding: 'utf8' });
    assert.notEqual(pasted.status, 0);
    assert.doesNotMatch(pasted.stdout, /reached-flyctl/);
    assert.match(pasted.stderr, /syntax error/i);
  });

  it('the fake refuses what flyctl refuses', () => {
    for (const argv of [['launch', '--db', 'mpg'], ['launch', '--ha', 'false'], ['lunch'], ['postgres', 'create', '--size', '1'], ['scale', 'count'], ['launch', '--region']]) {
      const result = spawnSync(process.execPath, [FAKE_SCRIPT, ...argv], { env: { ...process.env, FAKE_FLY_SCENARIO: 'check-args', FAKE_FLY_LOG: '' }, encoding: 'utf8' });
      assert.equal(result.status, 1, `${argv.join(' ')} should fail`);
      assert.match(result.stderr, /^Error: /);
    }
  });
});

describe('--launch with --adopt, against the fake flyctl', () => {
  const FLAT = new URL('./fixtures/adopt/flat/', import.meta.url).pathname;
  const adoptRun = (flags: string[]) => {
    const cwd = tempDir('cff-adopt-launch-');
    const dir = join(cwd, 'tea-house');
    spawnSync('cp', ['-r', FLAT, dir]);
    const log = join(cwd, 'fly-calls.jsonl');
    const run = runCli([dir, '--adopt', ...flags], { cwd, env: { PATH: `${FAKE_DIR}${delimiter}${process.env.PATH}`, FAKE_FLY_SCENARIO: 'success', FAKE_FLY_LOG: log, FAKE_FLY_NODE: process.execPath } });
    const calls: { argv: string[] }[] = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : [];
    return { ...run, calls, dir };
  };

  it('launches the adopted project as a new one: fly launch --no-deploy --copy-config with our fly.toml, in the --org given', () => {
    const run = adoptRun(['--launch', '--org', 'acme']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const launchCall = run.calls.find((call) => call.argv[0] === 'launch');
    assert.ok(launchCall, JSON.stringify(run.calls));
    for (const flag of ['--no-deploy', '--copy-config', '--name', 'flat-api', '--org', 'acme']) assert.ok(launchCall.argv.includes(flag), `${flag} in ${launchCall.argv.join(' ')}`);
    assert.match(readFileSync(join(run.dir, 'fly.toml'), 'utf8'), /^app = "flat-api"$/m);
    assert.match(run.stdout, /Deploy: fly deploy$/m);
  });

  it('--no-launch, and no flag, run no flyctl at all', () => {
    for (const flags of [['--no-launch'], []]) {
      const run = adoptRun(flags);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(run.calls, []);
    }
  });
});
