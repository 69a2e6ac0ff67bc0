import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { wantsHighAvailability } from '../src/plan/flyCommands.ts';
import { POSTGRES_MAJOR } from '../src/plan/versions.ts';
import { planProject, type ProjectPlan } from '../src/plan/plan.ts';
import { outputPath } from '../src/templates/render.ts';
import { parseArgs } from '../src/options/args.ts';
import { resolveOptions } from '../src/options/resolve.ts';
import { POSTGRES_KINDS, PYTHON_VERSIONS, SCALING_MODES, type ProjectOptions } from '../src/options/schema.ts';
import { loadTemplates } from '../src/templates/load.ts';

const templates = await loadTemplates();
const env = { hasGit: true, hasUv: true, insideGitRepo: false };
const GOLDEN = new URL('./fixtures/golden/', import.meta.url).pathname;

async function plan(...argv: string[]): Promise<ProjectPlan> {
  const options = await resolveOptions(parseArgs(argv).given, { env, yes: true });
  return planProject(options, templates, { generatorVersion: '0.0.0-test' });
}

function file(p: ProjectPlan, path: string): string {
  const found = p.files.find((candidate) => candidate.path === path);
  assert.ok(found, `${path} is planned`);
  return found.content as string;
}

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** Representative projects, kept as whole trees under test/fixtures/golden/ (UPDATE_GOLDEN=1 rewrites them). */
const GOLDEN_VARIANTS: Record<string, string[]> = {
  default: ['default-api'],
  'no-postgres': ['plain-api', '--no-postgres', '--scaling', 'always-on', '--regions', 'fra', '--no-workflows'],
  'postgres-multiregion': ['geo-api', '--postgres', 'managed', '--scaling', 'warm', '--min-machines', '2', '--regions', 'iad,lhr,syd'],
};

describe('golden projects', () => {
  for (const [variant, argv] of Object.entries(GOLDEN_VARIANTS)) {
    it(`${variant} matches test/fixtures/golden/${variant}`, async () => {
      const p = await plan(...argv);
      const dir = join(GOLDEN, variant);
      if (process.env.UPDATE_GOLDEN) {
        rmSync(dir, { recursive: true, force: true });
        for (const planned of p.files) {
          mkdirSync(dirname(join(dir, planned.path)), { recursive: true });
          writeFileSync(join(dir, planned.path), planned.content);
        }
      }
      assert.deepEqual(listTree(dir), p.files.map((planned) => planned.path).sort());
      for (const planned of p.files) {
        assert.equal(planned.content, readFileSync(join(dir, planned.path), 'utf8'), `${variant}/${planned.path}`);
      }
    });
  }
});

describe('outputPath', () => {
  it('turns a leading underscore into a dot and drops .hbs', () => {
    assert.equal(outputPath('_gitignore'), '.gitignore');
    assert.equal(outputPath('_github/workflows/ci.yml.hbs'), '.github/workflows/ci.yml');
    assert.equal(outputPath('app/__init__.py'), 'app/__init__.py');
  });
});

function* everyVariant(): Generator<string[]> {
  for (const postgres of POSTGRES_KINDS)
    for (const scaling of SCALING_MODES)
      for (const regions of ['iad', 'iad,lhr'])
        for (const python of PYTHON_VERSIONS)
          for (const workflows of ['--workflows', '--no-workflows'])
            yield ['v', '--postgres', postgres, '--scaling', scaling, '--regions', regions, '--python', python, workflows];
}

interface FlyToml {
  app: string;
  primary_region: string;
  kill_signal: string;
  kill_timeout: number;
  deploy?: { release_command?: string; strategy?: string };
  env: Record<string, string>;
  http_service: {
    internal_port: number;
    auto_stop_machines: string;
    auto_start_machines: boolean;
    min_machines_running: number;
    concurrency: { type: string };
    checks: { path: string }[];
  };
  checks?: Record<string, { port: number; path: string; type: string; grace_period: string; timeout: string }>;
  vm: { size: string; memory: string }[];
}

function checkVariant(options: ProjectOptions, p: ProjectPlan): void {
  const paths = p.files.map((planned) => planned.path);
  for (const planned of p.files) {
    const text = (planned.content as string).replace(/\$\{\{[^}]*\}\}/g, ''); // GitHub Actions expressions
    assert.doesNotMatch(text, /\{\{|\}\}/, `${planned.path}: template syntax left`);
    assert.doesNotMatch(planned.content as string, /&(amp|lt|gt|quot|#x?[0-9a-f]+);/i, `${planned.path}: HTML entity`);
    assert.doesNotMatch(planned.content as string, /[ \t]+$/m, `${planned.path}: trailing whitespace`);
  }

  const fly = parse(file(p, 'fly.toml')) as unknown as FlyToml;
  const stopMode = { suspend: 'suspend', stop: 'stop', warm: 'stop', 'always-on': 'off' }[options.scaling];
  assert.equal(fly.app, options.name);
  assert.equal(fly.primary_region, options.regions[0]);
  assert.equal(fly.http_service.auto_stop_machines, stopMode);
  assert.equal(fly.http_service.auto_start_machines, options.scaling !== 'always-on');
  const database = options.postgres !== 'none';
  const replay = database && options.regions.length > 1;
  const minimum = options.scaling === 'warm' ? options.minMachines : replay ? 1 : 0;
  assert.equal(fly.http_service.min_machines_running, minimum);
  assert.equal(fly.http_service.concurrency.type, 'requests');
  assert.deepEqual(fly.vm.map((vm) => ({ ...vm })), [{ size: options.vmSize, memory: options.vmMemory }]);
  assert.equal(fly.kill_signal, 'SIGTERM');
  assert.equal(fly.deploy?.release_command, database ? 'alembic upgrade head' : undefined);
  // One Machine: blue-green, or every deploy has a moment with none. It needs a health check.
  const singleMachine = options.scaling !== 'always-on' && !(options.scaling === 'warm' && options.minMachines >= 2);
  assert.equal(fly.deploy?.strategy, singleMachine ? 'bluegreen' : 'rolling');
  assert.equal(singleMachine, !wantsHighAvailability(options));
  assert.equal(fly.http_service.checks[0]?.path, '/healthz');
  if (database) {
    assert.deepEqual(Object.values(fly.checks ?? {}).map((check) => check.path), ['/readyz']);
    // flyctl waits for this check on every deploy: a short grace, and a timeout that
    // outlasts the readiness path's own wait so a dead database shows as a 503, not a hang.
    const check = fly.checks!.database!;
    const seconds = (value: string) => Number(/^(\d+)s$/.exec(value)![1]);
    const wait = Number(/asyncio\.timeout\((\d+)\)/.exec(file(p, 'app/platform/readiness.py'))![1]);
    assert.ok(seconds(check.grace_period) <= 10, `grace ${check.grace_period} delays every deploy`);
    assert.ok(seconds(check.timeout) > wait && seconds(check.timeout) <= wait + 2, `timeout ${check.timeout} vs /readyz waiting ${wait} s`);
    assert.match(file(p, 'README.md'), /While the database is down, a deploy stops early/);
  } else assert.equal(fly.checks, undefined);

  const readme = file(p, 'README.md');
  assert.match(readme, /## uv\.lock: keep it, commit it/);
  assert.match(readme, /must exist and be\ncommitted: the Docker build runs `uv sync --locked`/);
  assert.ok(!/^uv\.lock$/m.test(file(p, '.gitignore')), '.gitignore keeps uv.lock');
  if (database) {
    // Local development on the PostgreSQL major Managed Postgres runs, at the URL .env.example gives.
    const compose = file(p, 'compose.yaml');
    assert.match(compose, new RegExp(`^    image: postgres:${POSTGRES_MAJOR}$`, 'm'));
    const url = /^DATABASE_URL=(.*)$/m.exec(file(p, '.env.example'))![1]!;
    const { username, password, port, pathname } = new URL(url);
    assert.match(compose, new RegExp(`POSTGRES_USER: ${username}\n.*POSTGRES_PASSWORD: ${password}\n.*POSTGRES_DB: ${pathname.slice(1)}\n`, 's'));
    assert.match(compose, new RegExp(`"127\\.0\\.0\\.1:${port}:5432"`));
    const steps = ['uv sync', 'docker compose up -d --wait', 'cp .env.example .env', 'uv run alembic upgrade head', 'uv run fastapi dev'];
    const at = steps.map((step) => readme.indexOf(`\n${step}`));
    assert.ok(at.every((index, i) => index > 0 && (i === 0 || index > at[i - 1]!)), `README runs ${steps.join(', ')} in order`);
  } else assert.ok(!p.files.some((f) => f.path === 'compose.yaml'));
  // A database on the internet: verify the server, not only encrypt.
  assert.equal(/sslmode=verify-full&sslrootcert=system/.test(readme), options.postgres === 'external');

  const dockerfile = file(p, 'Dockerfile');
  const port = fly.http_service.internal_port;
  assert.match(dockerfile, new RegExp(`^EXPOSE ${port}$`, 'm'));
  const cmd = /^CMD \["uvicorn", "app\.main:app", "--host", "0\.0\.0\.0", "--port", "(\d+)", "--timeout-graceful-shutdown", "(\d+)"\]$/m.exec(dockerfile);
  assert.ok(cmd, 'CMD runs uvicorn on 0.0.0.0 with a bounded graceful shutdown');
  assert.equal(Number(cmd[1]), port);
  // The lifespan shutdown must run (and close the pool) before Fly kills at kill_timeout.
  assert.ok(Number(cmd[2]) > 0 && Number(cmd[2]) <= fly.kill_timeout - 3, `graceful ${cmd[2]} s vs kill_timeout ${fly.kill_timeout} s`);
  for (const check of Object.values(fly.checks ?? {})) assert.equal(check.port, port);
  const froms = dockerfile.match(/^FROM \S+/gm) ?? [];
  assert.deepEqual(froms, [`FROM python:${options.python}-slim-trixie`, `FROM python:${options.python}-slim-trixie`]);
  for (const line of dockerfile.split('\n')) {
    if (!line.startsWith('#')) assert.ok(!line.includes('#'), `Dockerfile: trailing comment in ${line}`);
  }
  for (const needed of ['app', ...(database ? ['alembic.ini', 'migrations'] : [])]) {
    assert.match(dockerfile, new RegExp(`^COPY ${needed} /app/${needed}$`, 'm'), `runtime copies ${needed}`);
  }
  // Only the builder reads pyproject.toml, through a bind mount; the CMD names the app itself.
  assert.doesNotMatch(dockerfile, /^COPY pyproject\.toml/m);

  assert.equal(file(p, '.python-version'), `${options.python}\n`);
  const pyproject = parse(file(p, 'pyproject.toml')) as { project: { name: string; 'requires-python': string; dependencies: string[] } };
  assert.equal(pyproject.project['requires-python'], `>=${options.python}`);
  assert.equal(pyproject.project.name, options.name);
  assert.equal(pyproject.project.dependencies.some((dep) => dep.startsWith('alembic')), database);
  assert.ok(!('build-system' in pyproject), 'an application has no build system');

  const dockerignore = file(p, '.dockerignore').split('\n');
  assert.ok(!dockerignore.some((line) => /^(uv\.lock|\*\.lock|\*)$/.test(line.trim())), '.dockerignore keeps uv.lock');
  for (const excluded of ['.env', '.venv/', '.git/']) assert.ok(dockerignore.includes(excluded), `.dockerignore: ${excluded}`);

  assert.equal(paths.includes('app/platform/replay.py'), replay);
  assert.equal(paths.includes('alembic.ini'), database);
  assert.equal(paths.includes('.env.example'), database);
  assert.equal(paths.includes('.github/workflows/ci.yml'), options.workflows);
  assert.equal(paths.includes('.github/dependabot.yml'), options.workflows);
  if (options.workflows) checkWorkflows(p, database);
  assert.equal(file(p, 'app/platform/wiring.py').includes('FlyReplayMiddleware'), replay);
  assert.ok(file(p, 'README.md').includes(`npm create fly-fastapi@latest ${options.directory} -- `));
}

/** Supply chain and least privilege in the generated GitHub Actions. */
function checkWorkflows(p: ProjectPlan, database: boolean): void {
  const ci = file(p, '.github/workflows/ci.yml');
  const deploy = file(p, '.github/workflows/fly-deploy.yml');
  for (const [name, text] of [['ci.yml', ci], ['fly-deploy.yml', deploy]] as const) {
    const uses = [...text.matchAll(/^\s*- uses: (.*)$/gm)].map((match) => match[1]!);
    assert.ok(uses.length > 0, name);
    for (const use of uses) assert.match(use, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v?\d+(\.\d+)*$/, `${name}: ${use} is pinned to a commit, tag beside it`);
    const checkouts = text.split(/^\s*- uses: /m).filter((step) => step.startsWith('actions/checkout@'));
    assert.ok(checkouts.length > 0 && checkouts.every((step) => /\n\s+persist-credentials: false\n/.test(step)), `${name}: every checkout drops the token`);
    assert.match(text, /^permissions: \{\}$/m, `${name}: nothing granted by default`);
    const grants = [...text.matchAll(/^ {4}permissions:\n((?: {6}.*\n)+)/gm)].map((match) => match[1]!.trim());
    assert.ok(grants.length > 0 && grants.every((grant) => grant === 'contents: read'), `${name}: jobs read the code, no more: ${grants}`);
  }
  assert.match(ci, /^ {2}docker:\n(?: {4}.*\n|\n)*? {6}- run: docker build /m, 'a job builds the image');
  assert.equal(/^ {8}image: postgres:(\d+)$/m.exec(ci)?.[1], database ? String(POSTGRES_MAJOR) : undefined);
  const dependabot = file(p, '.github/dependabot.yml');
  assert.deepEqual([...dependabot.matchAll(/package-ecosystem: (\S+)/g)].map((match) => match[1]), ['github-actions', 'uv']);
}

describe('every variant', () => {
  it('renders complete, consistent files for every option combination', async () => {
    let count = 0;
    for (const argv of everyVariant()) {
      const p = await plan(...argv);
      checkVariant(p.options, p);
      count++;
    }
    assert.equal(count, 4 * 4 * 2 * 4 * 2);
  });

  it('is deterministic', async () => {
    const argv = GOLDEN_VARIANTS['postgres-multiregion']!;
    assert.deepEqual(await plan(...argv), await plan(...argv));
  });
});
