/**
 * --adopt without containers: detection from real-shaped fixtures, the plan
 * it leads to, and the refusal table through the built CLI (exit code, one
 * line, nothing written, the user's files byte-identical).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { detectAdoption, type AdoptFlags } from '../src/adopt/detect.ts';
import { entrypointInCommand, entrypointText } from '../src/adopt/entrypoint.ts';
import type { ProjectFiles } from '../src/adopt/files.ts';
import { importedModules } from '../src/adopt/pythonSource.ts';
import { choosePython } from '../src/adopt/python.ts';
import { dockerignoreMatches } from '../src/adopt/dockerignore.ts';
import { describeDetection } from '../src/adopt/describe.ts';
import { prepareAdoption } from '../src/runs/adopt.ts';
import { allowsMinor, parseSpecifier } from '../src/adopt/specifier.ts';
import { AdoptRefusal, EXIT } from '../src/errors.ts';
import { readProject } from '../src/write/readProject.ts';
import { inParallel, runCliAsync, snapshot, tempDir } from './helpers/cli.ts';

const FIXTURES = new URL('./fixtures/adopt/', import.meta.url).pathname;
const fixture = (name: string) => join(FIXTURES, name);

function project(texts: Record<string, string>, more: string[] = []): ProjectFiles {
  return { paths: new Set([...Object.keys(texts), ...more]), texts: new Map(Object.entries(texts)) };
}

const PYPROJECT = '[project]\nname = "x"\nrequires-python = ">=3.11"\ndependencies = ["fastapi[standard]>=0.115"]\n';

describe('requires-python, parsed as PEP 440 specifiers', () => {
  const newest = (spec: string) => ['3.14', '3.13', '3.12', '3.11'].find((minor) => allowsMinor(minor, parseSpecifier(spec)));
  const table: [string, string | undefined][] = [
    ['>=3.11', '3.14'],
    ['~=3.12.0', '3.12'],
    ['~=3.12', '3.14'],
    ['>=3.11,<3.14,!=3.12.*', '3.13'],
    ['<3.13', '3.12'],
    ['==3.11.*', '3.11'],
    ['>=3.12.4', '3.14'],
    ['<=3.12', '3.12'],
    ['>3.13', '3.14'],
    ['==3.13.2', '3.13'],
    ['!=3.14.*, >=3.11', '3.13'],
    ['>=3.8,<3.11', undefined],
  ];
  for (const [spec, expected] of table) it(`${spec} -> ${expected ?? 'none'}`, () => assert.equal(newest(spec), expected));

  it('refuses what is not a specifier, naming it', () => {
    for (const bad of ['^3.11', '>=3.x', '3.11', '>=3.11.*']) {
      assert.throws(() => choosePython({}, bad), (error: Error) => error instanceof AdoptRefusal && error.message.includes('requires-python'), bad);
    }
  });
});

describe('the Python the image runs', () => {
  it('takes the flag, then .python-version, then the newest allowed; never the host', () => {
    assert.deepEqual(choosePython({ flag: '3.12', pythonVersionFile: '3.13\n' }, '>=3.11'), { version: '3.12', from: "--python, allowed by requires-python '>=3.11'" });
    assert.equal(choosePython({ pythonVersionFile: '# pinned\n3.12.4\n' }, '>=3.11').version, '3.12');
    assert.equal(choosePython({ pythonVersionFile: 'cpython@3.11' }, undefined).from, '.python-version');
    assert.equal(choosePython({}, '>=3.11,<3.13').version, '3.12');
    assert.equal(choosePython({}, undefined).version, '3.14');
  });
  it('refuses a version requires-python excludes, and one we do not build on', () => {
    assert.throws(() => choosePython({ flag: '3.11' }, '>=3.12'), /--python asks for Python 3.11, which requires-python '>=3.12' does not allow/);
    assert.throws(() => choosePython({ pythonVersionFile: '3.10\n' }, undefined), /\.python-version: Python 3.10 is not one of the Pythons we build on/);
  });
});

describe('the entrypoint', () => {
  const expected: Record<string, { entry: string; appDir: string; from: RegExp }> = {
    flat: { entry: 'main:app', appDir: '', from: /main\.py \(where fastapi-cli looks\)/ },
    package: { entry: 'shop.api:api', appDir: '', from: /\[tool\.fastapi\] entrypoint/ },
    srclayout: { entry: 'notes_api.main:app', appDir: 'src', from: /src\/notes_api\/main\.py/ },
    factory: { entry: 'app.main:create_app()', appDir: '', from: /app\/main\.py/ },
    alembic: { entry: 'app.main:app', appDir: '', from: /app\/main\.py/ },
    flytoml: { entry: 'app:api', appDir: '', from: /Procfile/ },
  };
  it('workspace --package api: the member, with paths from the root', () => {
    const detection = detectAdoption(readProject(fixture('workspace')), { package: 'api' });
    assert.equal(entrypointText(detection.entrypoint), 'main:app');
    assert.equal(detection.entrypoint.appDir, 'packages/api');
    assert.equal(detection.entrypoint.file, 'packages/api/main.py');
    assert.deepEqual(detection.runtime, ['packages/api/main.py']);
    assert.deepEqual(detection.member, { name: 'api', dir: 'packages/api' });
    assert.equal(detection.locked, true);
  });
  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: ${want.entry}`, () => {
      const { entrypoint } = detectAdoption(readProject(fixture(name)), { newFiles: true });
      assert.equal(entrypointText(entrypoint), want.entry);
      assert.equal(entrypoint.appDir, want.appDir);
      assert.match(entrypoint.from, want.from);
    });
  }

  it('prefers app, then api, as fastapi-cli does; a lone FastAPI object under another name; a factory', () => {
    const entry = (main: string, flags: AdoptFlags = {}) => entrypointText(detectAdoption(project({ 'pyproject.toml': PYPROJECT, 'main.py': main }, ['uv.lock']), flags).entrypoint);
    assert.equal(entry('from fastapi import FastAPI\napi = FastAPI()\napp = FastAPI()\n'), 'main:app');
    assert.equal(entry('import fastapi\nservice = fastapi.FastAPI()\n'), 'main:service');
    assert.equal(entry('from fastapi import FastAPI\ndef build() -> FastAPI:\n    return FastAPI()\n'), 'main:build()');
    assert.equal(entry('from x import create_app\napp = create_app()\n'), 'main:app');
    assert.equal(entry('from fastapi import FastAPI\na = FastAPI()\nb = FastAPI()\n', { entrypoint: 'main:b' }), 'main:b');
    assert.equal(entry('from fastapi import FastAPI\ndef make():\n    return FastAPI()\n', { entrypoint: 'main:make' }), 'main:make()');
  });

  it('refuses an --entrypoint that is malformed, names no file, or no attribute', () => {
    const files = project({ 'pyproject.toml': PYPROJECT, 'main.py': 'app = 1\n' }, ['uv.lock']);
    assert.throws(() => detectAdoption(files, { entrypoint: 'main' }), /--entrypoint: 'main' is not module:attribute/);
    assert.throws(() => detectAdoption(files, { entrypoint: 'server:app' }), /neither server\.py nor src\/server\.py exists/);
    assert.throws(() => detectAdoption(files, { entrypoint: 'main:application' }), /main\.py defines no top-level 'application'/);
  });

  it('reads uvicorn, gunicorn and fastapi command lines', () => {
    assert.deepEqual(entrypointInCommand(['uvicorn', 'app.main:app', '--port', '80']), { spec: 'app.main:app', factory: false, appDir: undefined });
    assert.deepEqual(entrypointInCommand(['python', '-m', 'uvicorn', '--factory', 'svc:make', '--app-dir', 'src']), { spec: 'svc:make', factory: true, appDir: 'src' });
    assert.deepEqual(entrypointInCommand(['fastapi', 'run', 'api/server.py']), { file: 'api/server.py', factory: false });
    assert.equal(entrypointInCommand(['python', 'manage.py']), undefined);
  });

  it('resolves relative imports against the importing package', () => {
    const modules = importedModules('from .store import NOTES\nfrom ..common import x\nimport os, shop.db as d\n', 'notes_api.routes');
    for (const name of ['os', 'shop.db', 'notes_api.routes.store', 'notes_api.common']) assert.ok(modules.includes(name), `${name} in ${modules.join(', ')}`);
  });
});

describe('detection of the rest', () => {
  it('copies what the app imports at start, never tests or docs', () => {
    const runtime = (name: string) => detectAdoption(readProject(fixture(name)), { newFiles: true }).runtime;
    assert.deepEqual(runtime('flat'), ['main.py']);
    assert.deepEqual(runtime('package'), ['pricing.py', 'shop']);
    assert.deepEqual(runtime('srclayout'), ['src/notes_api']);
    assert.deepEqual(runtime('alembic'), ['alembic.ini', 'app', 'migrations']);
    assert.deepEqual(runtime('dbfolder'), ['app', 'backend/db/alembic.ini', 'backend/db/migrations']);
  });
  it('takes the port from fly.toml, then a Dockerfile or Procfile, else ours', () => {
    assert.deepEqual(detectAdoption(readProject(fixture('flytoml')), { newFiles: true }).port, { port: 8080, from: 'fly.toml internal_port' });
    const procfile = project({ 'pyproject.toml': PYPROJECT, 'main.py': 'app = 1\n', Procfile: 'web: uvicorn main:app --port 5000\n' }, ['uv.lock']);
    assert.equal(detectAdoption(procfile).port.port, 5000);
    assert.equal(detectAdoption(readProject(fixture('flat'))).port.port, 8000);
  });
  it('checks a liveness route on the app itself, else connects over TCP', () => {
    assert.deepEqual(detectAdoption(readProject(fixture('flat'))).health, { kind: 'http', path: '/health', from: 'GET /health in main.py' });
    assert.equal(detectAdoption(readProject(fixture('factory'))).health.kind, 'tcp');
    assert.equal(detectAdoption(readProject(fixture('factory')), { addHealth: true }).health.kind, 'http');
  });
  it('normalises dependency names as packaging does', () => {
    // FastAPI and Uvicorn_ spelled as people do still name fastapi and uvicorn: detection goes on to the entrypoint.
    const files = project({ 'pyproject.toml': PYPROJECT.replace('"fastapi[standard]>=0.115"', '"FastAPI>=0.115", "Uvicorn[standard]"') }, ['uv.lock']);
    assert.throws(() => detectAdoption(project({ 'pyproject.toml': PYPROJECT.replace('fastapi[standard]>=0.115', 'fastapi_utils') }, ['uv.lock'])), /do not list fastapi/);
    assert.throws(() => detectAdoption(files), /no FastAPI app found/);
  });
});

describe('Alembic in a sub-folder of a project that is not a workspace', () => {
  const ALEMBIC_PROJECT = { 'pyproject.toml': PYPROJECT.replace('"]', '", "alembic"]'), 'app/__init__.py': '', 'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' };
  const alembicOf = (texts: Record<string, string>) => detectAdoption(project({ ...ALEMBIC_PROJECT, ...texts }, ['uv.lock'])).alembic;

  it('runs the release command from the ini\'s folder, where a relative script_location points, and says so', () => {
    const detection = detectAdoption(readProject(fixture('dbfolder')));
    assert.deepEqual(detection.alembic, { ini: 'backend/db/alembic.ini', folder: 'backend/db/migrations', runsIn: 'backend/db', releaseCommand: 'env --chdir=backend/db alembic upgrade head' });
    const row = describeDetection(detection).find(([key]) => key === 'migrations')![1];
    assert.equal(row, 'Alembic (backend/db/alembic.ini, backend/db/migrations/), run from backend/db/: release command `env --chdir=backend/db alembic upgrade head`');
  });
  it('takes %(here)s, ./ and .. as Alembic does, from the same folder', () => {
    for (const location of ['%(here)s/migrations', './migrations/', '../db/migrations']) {
      const alembic = alembicOf({ 'src/db/alembic.ini': `[alembic]\nscript_location = ${location}\n`, 'src/db/migrations/env.py': 'from app.main import app\n' });
      assert.equal(alembic?.releaseCommand, 'env --chdir=src/db alembic upgrade head', location);
      assert.equal(alembic?.folder, 'src/db/migrations', location);
    }
  });
  it('runs from the root with -c when script_location names a folder from the root only', () => {
    const alembic = alembicOf({ 'src/db/alembic.ini': '[alembic]\nscript_location = src/db/alembic\n', 'src/db/alembic/env.py': '' });
    assert.deepEqual(alembic, { ini: 'src/db/alembic.ini', folder: 'src/db/alembic', runsIn: '', releaseCommand: 'alembic -c src/db/alembic.ini upgrade head' });
  });
  it('keeps a root alembic.ini first, and an ini without scripts counts for nothing', () => {
    const second = { 'tools/alembic.ini': '[alembic]\nscript_location = migrations\n', 'tools/migrations/env.py': '' };
    assert.equal(alembicOf({ 'alembic.ini': '[alembic]\nscript_location = migrations\n', 'migrations/env.py': '', ...second })?.releaseCommand, 'alembic upgrade head');
    assert.equal(alembicOf({ 'docs/alembic.ini': '[alembic]\nscript_location = gone\n', ...second })?.ini, 'tools/alembic.ini');
    assert.equal(alembicOf({ 'docs/alembic.ini': '[alembic]\nscript_location = gone\n' }), undefined);
  });
  it('refuses two, naming both and how to choose, and a folder the release command cannot name', () => {
    const two = { 'a/alembic.ini': '[alembic]\nscript_location = migrations\n', 'a/migrations/env.py': '', 'b/alembic.ini': '[alembic]\n', 'b/migrations/env.py': '' };
    assert.throws(() => alembicOf(two), (error: Error) => error instanceof AdoptRefusal && error.message === 'a/alembic.ini, b/alembic.ini: 2 Alembic setups, and the release command runs one; remove the others, or add an alembic.ini at the root naming the one to run (script_location = a/migrations)');
    assert.throws(() => alembicOf({ 'my db/alembic.ini': '[alembic]\n', 'my db/migrations/env.py': '' }), /^AdoptRefusal: my db\/alembic\.ini: a folder the release command cannot name as it is/);
  });
  it('in a workspace member, runs from the member\'s sub-folder, relative to its WORKDIR', () => {
    const detection = detectAdoption(project({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["api"]\n',
      'api/pyproject.toml': '[project]\nname = "api"\nversion = "0"\nrequires-python = ">=3.11"\ndependencies = ["fastapi", "uvicorn"]\n',
      'api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'api/db/alembic.ini': '[alembic]\nscript_location = migrations\n',
      'api/db/migrations/env.py': '',
    }, ['uv.lock']), { package: 'api' });
    assert.deepEqual(detection.alembic, { ini: 'api/db/alembic.ini', folder: 'api/db/migrations', runsIn: 'api/db', releaseCommand: 'env --chdir=db alembic upgrade head' });
  });
});

describe('the plan', () => {
  const plans = new Map<string, Awaited<ReturnType<typeof prepareAdoption>>>();
  const planOf = async (name: string, flags: AdoptFlags = { newFiles: true }) => {
    const key = `${name}${JSON.stringify(flags)}`;
    if (!plans.has(key)) plans.set(key, await prepareAdoption({ directory: fixture(name), flags }));
    return plans.get(key)!;
  };
  const file = (plan: Awaited<ReturnType<typeof prepareAdoption>>['plan'], path: string) => plan.files.find((entry) => entry.path === path)?.content ?? '';

  it('workspace: the build mounts the whole context and syncs the one member', async () => {
    const { plan } = await planOf('workspace', { package: 'api' });
    const dockerfile = file(plan, 'Dockerfile');
    assert.match(dockerfile, /uv sync --directory \/src --locked --package api --no-install-workspace/);
    assert.match(dockerfile, /uv sync --locked --no-editable --package api/);
    // The member's folder is the working directory, so its relative paths (alembic.ini, ./data) hold.
    assert.match(dockerfile, /^WORKDIR \/app\/packages\/api$/m);
    assert.match(dockerfile, /^CMD \["uvicorn", "main:app", "--host",/m);
    assert.equal(JSON.parse(file(plan, '.create-fly-fastapi/manifest.json')).adoption.package, 'api');
  });

  const RELEASE: Record<string, string> = { alembic: 'alembic upgrade head', dbfolder: 'env --chdir=backend/db alembic upgrade head' };
  for (const name of ['flat', 'package', 'srclayout', 'factory', 'alembic', 'flytoml', 'dbfolder']) {
    it(`${name}: the CMD serves the entrypoint on fly.toml's port, and the image copies its modules`, async () => {
      const { plan, detection } = await planOf(name);
      const flyPath = detection.besideTheirs.includes('fly.toml') ? 'fly.toml.new' : 'fly.toml';
      const fly = parse(file(plan, flyPath)) as { http_service: { internal_port: number }; deploy: { release_command?: string } };
      const dockerfile = file(plan, 'Dockerfile');
      const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[];
      assert.equal(cmd[cmd.indexOf('--port') + 1], String(fly.http_service.internal_port));
      assert.ok(cmd.includes(`${detection.entrypoint.module}:${detection.entrypoint.attribute}`));
      assert.equal(cmd.includes('--factory'), detection.entrypoint.factory);
      assert.match(dockerfile, new RegExp(`^FROM python:${detection.python.version}-slim-`, 'm'));
      // The whole build context ships; .dockerignore must keep every unit the app imports.
      assert.match(dockerfile, /^COPY --chown=1000:1000 \. \/app$/m);
      const ignore = file(plan, '.dockerignore');
      if (ignore) for (const unit of detection.runtime) for (const line of ignore.split('\n').filter((text) => text && !text.startsWith('#'))) assert.ok(!dockerignoreMatches(line, unit), `${line} excludes ${unit}`);
      assert.equal(fly.deploy.release_command, RELEASE[name]);
    });
  }

  it('dbfolder: the image runs from /app with the root on PYTHONPATH, so env.py imports the app from backend/db', async () => {
    const { plan } = await planOf('dbfolder');
    const dockerfile = file(plan, 'Dockerfile');
    assert.match(dockerfile, /PYTHONPATH="\/app"/);
    assert.deepEqual([...dockerfile.matchAll(/^WORKDIR (.*)$/gm)].map((match) => match[1]), ['/app', '/app']);
    assert.equal(JSON.parse(file(plan, '.create-fly-fastapi/manifest.json')).adoption.releaseCommand, 'env --chdir=backend/db alembic upgrade head');
  });

  it('reads the existing fly.toml for its answers and writes ours beside it', async () => {
    const { plan } = await planOf('flytoml');
    assert.deepEqual(plan.files.map((entry) => entry.path), ['.create-fly-fastapi/manifest.json', '.dockerignore', 'Dockerfile', 'fly.toml.new']);
    const fly = parse(file(plan, 'fly.toml.new')) as Record<string, any>;
    assert.equal(fly.app, 'legacy-svc-prod');
    assert.equal(fly.primary_region, 'fra');
    assert.deepEqual({ ...fly.vm[0] }, { size: 'shared-cpu-2x', memory: '1gb' });
    assert.equal(fly.http_service.auto_stop_machines, 'stop');
    assert.equal(fly.http_service.checks[0].path, '/status');
  });

  it('checks over TCP, and rolls, where the app has no liveness route', async () => {
    const fly = parse(file((await planOf('factory')).plan, 'fly.toml')) as Record<string, any>;
    assert.deepEqual(fly.http_service.checks, []);
    assert.deepEqual({ ...fly.checks.alive }, { type: 'tcp', port: 8000, grace_period: '10s', interval: '15s', timeout: '2s' });
    assert.equal(fly.deploy.strategy, 'rolling');
  });

  it('writes a liveness module only with --add-health, in the app package, and says what to include', async () => {
    const { plan } = await planOf('factory', { addHealth: true });
    assert.match(file(plan, 'app/fly_health.py'), /Route\("\/healthz", liveness, methods=\["GET"\], include_in_schema=False\)/);
    assert.match(plan.todo.join('\n'), /from app\.fly_health import install_liveness; then install_liveness\(app\)/);
    assert.equal((parse(file(plan, 'fly.toml')) as Record<string, any>).http_service.checks[0].path, '/healthz');
    assert.ok(!(await planOf('factory')).plan.files.some((entry) => entry.path.endsWith('fly_health.py')));
  });

  it('writes the deploy workflow only when asked, with actions pinned by commit', async () => {
    const asked = await prepareAdoption({ directory: fixture('flat'), given: { workflows: true } });
    const workflow = file(asked.plan, '.github/workflows/fly-deploy.yml');
    assert.match(workflow, /^ {6}- uses: actions\/checkout@[0-9a-f]{40} # v/m);
    assert.match(workflow, /run: flyctl deploy --remote-only/);
    // Updates arrive on their own for an adopted project too.
    assert.match(file(asked.plan, '.github/workflows/create-fly-fastapi-update.yml'), /^ {6}- run: bash \.github\/create-fly-fastapi-update\.sh$/m);
    assert.match(file(asked.plan, '.github/create-fly-fastapi-update.sh'), /--update --check --no-interactive/);
    assert.ok(!(await planOf('flat')).plan.files.some((entry) => entry.path.startsWith('.github/')));
    const theirs = project({ 'pyproject.toml': PYPROJECT, 'main.py': 'app = 1\n' }, ['uv.lock', '.github/workflows/fly-deploy.yml']);
    assert.throws(() => detectAdoption(theirs, { workflows: true }), /^AdoptRefusal: \.github\/workflows\/fly-deploy\.yml: already there and not written by us/);
    assert.deepEqual(detectAdoption(theirs, { workflows: true, newFiles: true }).besideTheirs, ['.github/workflows/fly-deploy.yml']);
  });

  it('builds .dockerignore from ours and their .gitignore, keeping what the build needs', async () => {
    const ignore = file((await planOf('flat')).plan, '.dockerignore');
    assert.match(ignore, /^tests\/$/m);
    assert.match(ignore, /^\*\*\/\*\.log$/m);
    assert.doesNotMatch(ignore, /^(uv\.lock|pyproject\.toml|main\.py)$/m);
  });

  it('records mode adopted, the adoption settings, and only the files written', async () => {
    const { plan } = await planOf('alembic');
    const record = JSON.parse(file(plan, '.create-fly-fastapi/manifest.json'));
    assert.equal(record.mode, 'adopted');
    assert.deepEqual(record.adoption, {
      entrypoint: 'app.main:app',
      appDir: '',
      package: null,
      python: '3.13',
      port: 8000,
      runtime: ['alembic.ini', 'app', 'migrations'],
      releaseCommand: 'alembic upgrade head',
      health: 'tcp',
    });
    assert.deepEqual(Object.keys(record.files), ['.dockerignore', 'Dockerfile', 'fly.toml']);
  });
});

/** Each refusal: the fixture, the flags, and what the one line must say. */
const REFUSALS: [string, string[], RegExp][] = [
  ['refuse-poetry', [], /^poetry\.lock: this is a Poetry project; move it to uv first \(`uvx migrate-to-uv`/],
  ['refuse-pipenv', [], /^Pipfile: this is a Pipenv project; move it to uv first/],
  ['refuse-requirements', [], /^requirements\.txt: a requirements-only project has no pyproject\.toml; move it to uv first/],
  ['refuse-not-uv', [], /^uv\.lock: not found, and pyproject\.toml has no \[tool\.uv\]: run `uv lock`/],
  ['refuse-no-fastapi', [], /^pyproject\.toml: \[project\] dependencies do not list fastapi/],
  ['refuse-no-server', [], /^pyproject\.toml: \[project\] dependencies install no server/],
  ['refuse-ambiguous', [], /^main\.py holds several apps \(public, admin\) and none is called app or api: give --entrypoint main:<name>/],
  ['refuse-dockerfile', [], /^Dockerfile: already there and not written by us; give --adopt-new-files/],
  ['flytoml', [], /^fly\.toml: already there and not written by us; give --adopt-new-files/],
  ['refuse-python', [], /^pyproject\.toml requires-python '>=3\.8,<3\.11' allows none of 3\.11, 3\.12, 3\.13, 3\.14/],
  ['refuse-record', [], /^\.create-fly-fastapi\/manifest\.json: this project already has our record; run --update/],
  ['refuse-two-alembic', [], /^backend\/db\/alembic\.ini, tools\/seed\/alembic\.ini: 2 Alembic setups, and the release command runs one; remove the others, or add an alembic\.ini at the root naming the one to run \(script_location = backend\/db\/migrations\)$/],
  ['refuse-workspace', [], /^pyproject\.toml \[tool\.uv\.workspace\]: a uv workspace; name the member to adopt with --package \(members: api\)/],
  ['workspace', ['--package', 'web'], /^--package: no workspace member is named 'web' \(members: api, core\)/],
  ['flat', ['--package', 'api'], /^--package: pyproject\.toml declares no \[tool\.uv\.workspace\]/],
  ['flat', ['--entrypoint', 'main:nothing'], /^--entrypoint: main\.py defines no top-level 'nothing'/],
  ['package', ['--python', '3.11'], /^--python asks for Python 3\.11, which requires-python '>=3\.12' does not allow/],
];

describe(`refusals through the built CLI: ${REFUSALS.length} cases`, () => {
  it('each: exit 8, one line naming what and why, nothing written, the folder byte-identical', async () => {
    const failures: string[] = [];
    await inParallel(REFUSALS, 4, async ([name, flags, names]) => {
      const dir = join(tempDir('cff-adopt-'), name);
      cpSync(fixture(name), dir, { recursive: true });
      const before = snapshot(dir);
      const run = await runCliAsync([dir, '--adopt', ...flags], { cwd: dir });
      const lines = run.stderr.trimEnd().split('\n');
      const problems = [
        run.status !== EXIT.adoptRefused && `exit ${run.status}`,
        lines.length !== 1 && `${lines.length} lines on stderr: ${run.stderr}`,
        !names.test((lines[0] ?? '').replace(/^create-fly-fastapi: /, '')) && `line: ${lines[0]}`,
        run.stdout !== '' && `stdout: ${run.stdout.slice(0, 80)}`,
        JSON.stringify([...snapshot(dir)]) !== JSON.stringify([...before]) && 'the folder changed',
      ].filter(Boolean);
      if (problems.length) failures.push(`${name} ${flags.join(' ')}: ${problems.join('; ')}`);
    });
    assert.deepEqual(failures, []);
  });
});

describe('adopting through the built CLI', () => {
  it('writes only our files; every file of the user is byte-identical; a second run is refused', async () => {
    for (const [name, flags] of [['alembic', []], ['flytoml', ['--adopt-new-files']], ['factory', ['--add-health']]] as const) {
      const dir = join(tempDir('cff-adopt-'), name);
      cpSync(fixture(name), dir, { recursive: true });
      const before = snapshot(dir);
      const run = await runCliAsync([dir, '--adopt', ...flags], { cwd: dir });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^Detected in .*\n(.*\n)*entrypoint {4}/m);
      const after = snapshot(dir);
      for (const [path, content] of before) assert.equal(after.get(path), content, `${name}: ${path} changed`);
      const record = JSON.parse(readFileSync(join(dir, '.create-fly-fastapi/manifest.json'), 'utf8'));
      const added = [...after.keys()].filter((path) => !before.has(path) && after.get(path) !== 'dir').sort();
      assert.deepEqual(added, [...Object.keys(record.files), '.create-fly-fastapi/manifest.json'].sort(), name);
      const again = await runCliAsync([dir, '--adopt'], { cwd: dir });
      assert.equal(again.status, EXIT.adoptRefused);
    }
  });
});
