/**
 * What broke adoption of real projects, one trait at a time, without an
 * engine: the Python a lock can install on, ports a server that is not root
 * may bind, a .dockerignore that keeps the project's own files, the image
 * running from a workspace member's folder, build steps named, refusals
 * whose advice works when followed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { buildSteps, detectAdoption } from '../src/adopt/detect.ts';
import { adoptedDockerignore, dockerignoreMatches, fromGitignore } from '../src/adopt/dockerignore.ts';
import { choosePort } from '../src/adopt/existing.ts';
import type { ProjectFiles } from '../src/adopt/files.ts';
import { lockBlocker, markerExcludes, readLock, wheelFits } from '../src/adopt/lock.ts';
import { choosePython, dockerfilePython } from '../src/adopt/python.ts';
import { AdoptRefusal, TargetError, UsageError } from '../src/errors.ts';
import { adopt, prepareAdoption } from '../src/runs/adopt.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures/adopt');
const files = (texts: Record<string, string>, more: string[] = []): ProjectFiles => ({ paths: new Set([...Object.keys(texts), ...more]), texts: new Map(Object.entries(texts)) });
const PYPROJECT = '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.11"\ndependencies = ["fastapi", "uvicorn"]\n';

function lockOf(packages: string): string {
  return `version = 1\nrevision = 3\nrequires-python = ">=3.11"\n\n[[package]]\nname = "demo"\nversion = "0"\nsource = { virtual = "." }\ndependencies = [{ name = "core" }, { name = "winonly", marker = "sys_platform == 'win32'" }]\n\n${packages}`;
}
const wheel = (tag: string) => `{ url = "https://files.example/core-1.0-${tag}.whl" }`;

describe('the Python a lock can install on', () => {
  it('reads wheel tags as uv would on glibc Linux x86_64', () => {
    assert.ok(wheelFits('pydantic_core-2.20.1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', '3.13'));
    assert.ok(!wheelFits('pydantic_core-2.20.1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', '3.14'));
    assert.ok(wheelFits('bcrypt-4.3.0-cp39-abi3-manylinux_2_28_x86_64.whl', '3.14'));
    assert.ok(!wheelFits('bcrypt-4.3.0-cp39-abi3-manylinux_2_28_aarch64.whl', '3.14'));
    assert.ok(!wheelFits('x-1-cp314-cp314t-manylinux_2_28_x86_64.whl', '3.14'));
    assert.ok(wheelFits('idna-3.10-py3-none-any.whl', '3.14'));
    assert.ok(!wheelFits('x-1-cp314-cp314-win_amd64.whl', '3.14'));
  });

  it('picks the newest Python every installed package has a wheel for, naming the package that stops a newer one', () => {
    const lock = readLock(lockOf(`[[package]]\nname = "core"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\nsdist = { url = "https://files.example/core-1.0.tar.gz" }\nwheels = [${wheel('cp312-cp312-manylinux_2_17_x86_64')}, ${wheel('cp313-cp313-manylinux_2_17_x86_64')}]\n\n[[package]]\nname = "winonly"\nversion = "1"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [${wheel('cp312-cp312-win_amd64')}]\n`));
    assert.match(lockBlocker(lock, 'demo', '3.14')!, /^core 1\.0 has no wheel for CPython 3\.14 on Linux x86_64 and its sdist needs a compiler/);
    assert.equal(lockBlocker(lock, 'demo', '3.13'), undefined);
    const chosen = choosePython({ lock, lockRoot: 'demo' }, '>=3.11');
    assert.equal(chosen.version, '3.13');
    assert.match(chosen.from, /uv\.lock's wheels \(newer: core 1\.0 has no wheel for CPython 3\.14/);
  });

  it('takes a pure sdist as installable anywhere, and a marker for another system as not installed', () => {
    const lock = readLock(lockOf(`[[package]]\nname = "core"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\nsdist = { url = "https://files.example/core-1.0.tar.gz" }\n`));
    assert.equal(lockBlocker(lock, 'demo', '3.14'), undefined);
    assert.ok(markerExcludes("sys_platform == 'win32'", '3.14'));
    assert.ok(markerExcludes("python_full_version < '3.11'", '3.14'));
    assert.ok(!markerExcludes("python_full_version < '3.13'", '3.12'));
    assert.ok(!markerExcludes("extra == 'x'", '3.12'));
  });

  it('refuses in one line naming the package when a pin leaves no Python, with advice that names uv', () => {
    const lock = readLock(lockOf(`[[package]]\nname = "core"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [${wheel('cp312-cp312-manylinux_2_17_x86_64')}]\n`));
    assert.throws(() => choosePython({ lock, lockRoot: 'demo', pythonVersionFile: '3.13\n' }, '>=3.11'), (error: Error) => error instanceof AdoptRefusal && /^uv\.lock: core 1\.0 has no wheel for CPython 3\.13 on Linux x86_64 and no sdist; .*uv lock --upgrade-package core/.test(error.message) && !error.message.includes('\n'));
    assert.equal(choosePython({ lock, lockRoot: 'demo' }, '>=3.11').version, '3.12');
  });

  it("takes an existing Dockerfile's FROM as a pin, and refuses pins that disagree", () => {
    assert.equal(dockerfilePython('FROM oven/bun:1 AS web\nFROM python:3.12-slim-trixie AS base\n'), '3.12');
    assert.equal(choosePython({ dockerfile: 'FROM python:3.13.2-slim\n' }, '>=3.11').version, '3.13');
    assert.throws(() => choosePython({ dockerfile: 'FROM python:3.13\n', pythonVersionFile: '3.12\n' }, undefined), /\.python-version says Python 3\.12 but the existing Dockerfile's FROM says 3\.13; give --python/);
  });

  it('the old-lock fixture: its lock truly has no CPython 3.14 wheel for pydantic-core, so 3.13 is chosen', async () => {
    const { detection } = await prepareAdoption({ directory: join(FIXTURES, 'oldlock') });
    assert.equal(detection.python.version, '3.13');
    assert.match(detection.python.from, /pydantic-core 2\.20\.1 has no wheel for CPython 3\.14/);
  });
});

describe('ports a server that is not root can bind', () => {
  const port = (texts: Record<string, string>) => choosePort(files(texts), texts['fly.toml'] ? { port: (parse(texts['fly.toml']) as any).http_service.internal_port } : undefined);
  it("keeps the project's own port when it may be bound, and says where it came from", () => {
    assert.deepEqual(port({ Procfile: 'web: uvicorn main:app --port ${PORT:-8080}\n' }), { port: 8080, from: 'the Procfile' });
    assert.deepEqual(port({ Dockerfile: 'EXPOSE 8502 5055\nCMD ["uvicorn", "api.main:app", "--port", "5055"]\n' }), { port: 5055, from: 'the existing Dockerfile' });
  });
  it("takes the API's port from several EXPOSEd ones, not a frontend's", () => {
    assert.equal(port({ Dockerfile: 'EXPOSE 8502 5055\nCMD ["/usr/bin/supervisord"]\n' }).port, 5055);
  });
  it('replaces a privileged port and a number that is no port, and says so', () => {
    assert.match(port({ Procfile: 'web: uvicorn main:app --port 80\n' }).from, /the Procfile says 80, a privileged port/);
    assert.equal(port({ Procfile: 'web: uvicorn main:app --port 99999\n' }).port, 8000);
    const fly = port({ 'fly.toml': '[http_service]\ninternal_port = 123456\n' });
    assert.deepEqual([fly.port, /not a port/.test(fly.from)], [8000, true]);
  });
  it('writes the port it chose to the CMD, internal_port and the checks', async () => {
    const { plan } = await prepareAdoption({ directory: join(FIXTURES, 'port80') });
    const fly = parse(plan.files.find((file) => file.path === 'fly.toml')!.content) as any;
    assert.equal(fly.http_service.internal_port, 8000);
    assert.match(plan.files.find((file) => file.path === 'Dockerfile')!.content, /"--port", "8000"/);
  });
});

describe('a .dockerignore that never excludes what the build copies', () => {
  const project = files({ 'pyproject.toml': PYPROJECT, 'app/main.py': '', 'app/models.py': '', 'prompts/system.md': '', 'frontend/package.json': '{}' }, ['uv.lock']);
  const needed = ['pyproject.toml', 'uv.lock', 'app/main.py', 'app/models.py', 'README.md'];
  it('matches as Docker does: root-anchored, ** across folders', () => {
    assert.ok(dockerignoreMatches('tests', 'tests/test_x.py'));
    assert.ok(!dockerignoreMatches('*.md', 'app/core/prompts/system.md'));
    assert.ok(dockerignoreMatches('**/*.py', 'app/main.py'));
    assert.equal(fromGitignore('*.log'), '**/*.log');
    assert.equal(fromGitignore('/build/'), 'build');
  });
  it("drops .gitignore lines that would empty the image (D19), and every negation; keeps the rest; keeps out frontends", () => {
    const text = adoptedDockerignore('.venv/\nREADME.md\ntests/\n', '*\n!app/\n!pyproject.toml\n*.py\nlogs/\n.env\nuv.lock\n', project, needed);
    const lines = text.split('\n').filter((line) => line && !line.startsWith('#'));
    for (const line of lines) for (const path of needed) assert.ok(!dockerignoreMatches(line, path), `${line} excludes ${path}`);
    assert.ok(lines.includes('**/logs') && lines.includes('tests/') && lines.includes('frontend/'));
    assert.ok(!lines.some((line) => line.startsWith('!')));
    assert.ok(!lines.includes('README.md'), 'a readme the build reads is kept');
  });
});

describe('every command the image runs can import the project', () => {
  const dockerfile = async (name: string, flags = {}) => (await prepareAdoption({ directory: join(FIXTURES, name), flags })).plan.files.find((file) => file.path === 'Dockerfile')!.content;
  it('installs a project with a build system, not as a link, after its dependencies', async () => {
    const text = await dockerfile('metadata');
    assert.ok(text.indexOf('uv sync --locked --no-install-project') < text.indexOf('uv sync --locked --no-editable'));
  });
  it('puts a project without one on PYTHONPATH, for the CMD and the release command alike', async () => {
    const text = await dockerfile('noprepend');
    assert.match(text, /PYTHONPATH="\/app"/);
    assert.doesNotMatch(text, /--no-editable/);
  });
  it('owns /app and gives the user a home, for an adopted project only', async () => {
    const text = await dockerfile('writes');
    assert.match(text, /^COPY --chown=1000:1000 \. \/app$/m);
    assert.match(text, /--create-home --home-dir \/home\/app/);
    assert.match(text, /HOME=\/home\/app/);
  });
});

describe('shapes', () => {
  it('lists an existing Dockerfile\'s build steps with their exact line, and not its installs', () => {
    const steps = buildSteps('FROM python:3.12\nRUN apt-get update && apt-get install -y --no-install-recommends libatomic1 && rm -rf /var/lib/apt/lists/*\nRUN uv sync --frozen\nRUN pip install .\nRUN useradd -m appuser && chown -R appuser:appuser /app\nRUN /app/.venv/bin/python -m prisma generate\nRUN npm run build\n');
    assert.deepEqual(steps, ['RUN apt-get update && apt-get install -y --no-install-recommends libatomic1 && rm -rf /var/lib/apt/lists/*', 'RUN /app/.venv/bin/python -m prisma generate', 'RUN npm run build']);
  });
  it('runs the image from a workspace member\'s folder, so its Alembic works from there', () => {
    const project = files({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["backend"]\n',
      'backend/pyproject.toml': '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.11"\ndependencies = ["fastapi[standard]"]\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
      'backend/app/__init__.py': '',
      'backend/app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'backend/alembic.ini': '[alembic]\nscript_location = app/alembic\n',
      'backend/app/alembic/env.py': 'from app.models import Base\n',
    }, ['uv.lock']);
    const detection = detectAdoption(project, { package: 'app' });
    assert.equal(detection.alembic?.releaseCommand, 'alembic upgrade head');
    assert.equal(detection.alembic?.ini, 'backend/alembic.ini');
  });
  it("finds the app in a Procfile's --app-dir folder", () => {
    const project = files({
      'pyproject.toml': '[project]\nname = "voice-api"\nversion = "0"\nrequires-python = ">=3.12"\ndependencies = ["fastapi", "uvicorn"]\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
      Procfile: 'web: uv run uvicorn voice_api.main:app --app-dir apps/api/src --host 0.0.0.0 --port ${PORT:-8000}\n',
      'apps/api/src/voice_api/__init__.py': '',
      'apps/api/src/voice_api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    }, ['uv.lock']);
    const detection = detectAdoption(project);
    assert.deepEqual([detection.entrypoint.module, detection.entrypoint.appDir, detection.port.port], ['voice_api.main', 'apps/api/src', 8000]);
  });
  it("takes an existing Dockerfile's FROM we do not build on as no pin, and says so", () => {
    const chosen = choosePython({ dockerfile: 'FROM python:3.10\n' }, '>=3.10');
    assert.equal(chosen.version, '3.14');
    assert.match(chosen.from, /FROM python:3\.10 is not one we build on/);
  });
  it('refuses a workspace member name that would need quoting in a RUN line (D22)', () => {
    const project = files({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["api"]\n', 'api/pyproject.toml': '[project]\nname = "api; rm -rf /"\nversion = "0"\ndependencies = ["fastapi", "uvicorn"]\n', 'api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' }, ['uv.lock']);
    assert.throws(() => detectAdoption(project, { package: 'api; rm -rf /' }), (error: Error) => error instanceof AdoptRefusal && /not a valid package name/.test(error.message));
  });
  it('names the app after the folder when [project] name is generic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cff-generic-'));
    try {
      const project = join(dir, 'harbor-tickets');
      cpSync(join(FIXTURES, 'writes'), project, { recursive: true });
      writeFileSync(join(project, 'pyproject.toml'), readFileSync(join(project, 'pyproject.toml'), 'utf8').replace('name = "ledger-writer"', 'name = "backend"'));
      const { plan } = await prepareAdoption({ directory: project, flags: { staleLock: true } });
      assert.equal(plan.options.name, 'harbor-tickets');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('refusals that lead somewhere', () => {
  const uvOnPath = spawnSync('uv', ['--version']).status === 0;
  it('a stale lock is refused before anything is written, naming uv lock; the flag goes on; following the advice works', { skip: !uvOnPath && 'uv is not on PATH' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cff-stale-'));
    try {
      cpSync(join(FIXTURES, 'refuse-stale-lock'), dir, { recursive: true });
      await assert.rejects(prepareAdoption({ directory: dir }), (error: Error) => error instanceof AdoptRefusal && /^uv\.lock: out of date with pyproject\.toml .*run `uv lock`, or give --allow-stale-lock/.test(error.message));
      assert.ok((await prepareAdoption({ directory: dir, flags: { staleLock: true } })).plan);
      assert.equal(spawnSync('uv', ['lock', '-q'], { cwd: dir }).status, 0);
      assert.match((await prepareAdoption({ directory: dir })).detection.uv, /uv lock --check: up to date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a missing folder and a file are one line naming the path, with the target exit code', async () => {
    await assert.rejects(prepareAdoption({ directory: '/nonexistent/cff-adopt' }), (error: Error) => error instanceof TargetError && /^\/nonexistent\/cff-adopt: no such folder/.test(error.message));
    await assert.rejects(prepareAdoption({ directory: join(FIXTURES, 'flat/main.py') }), (error: Error) => error instanceof TargetError && /main\.py: not a folder/.test(error.message));
  });
  it('--postgres through the API is refused as the flag is (exit 2)', async () => {
    await assert.rejects(adopt({ directory: join(FIXTURES, 'flat'), given: { postgres: 'managed' } }), (error: Error) => error instanceof UsageError && /^--postgres/.test(error.message));
  });
  it('run inside a workspace member: names the root and --package', async () => {
    await assert.rejects(prepareAdoption({ directory: join(FIXTURES, 'workspace/packages/api') }), (error: Error) => error instanceof AdoptRefusal && /run --adopt there with --package api/.test(error.message));
  });
  it('a repository root whose project is one folder down: names the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cff-below-'));
    try {
      mkdirSync(join(dir, 'backend'));
      cpSync(join(FIXTURES, 'flat'), join(dir, 'backend'), { recursive: true });
      await assert.rejects(prepareAdoption({ directory: dir }), (error: Error) => error instanceof AdoptRefusal && /backend\/ holds one; run --adopt in backend\//.test(error.message));
      assert.ok((await prepareAdoption({ directory: join(dir, 'backend') })).plan);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a requirements.txt project whose pyproject.toml only configures tools', () => {
  const uvOnPath = spawnSync('uv', ['--version']).status === 0;
  it('is told to add a [project] table and `uv add -r`; doing so makes it adoptable', { skip: !uvOnPath && 'uv is not on PATH' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cff-reqs-'));
    try {
      writeFileSync(join(dir, 'pyproject.toml'), '[tool.ruff]\nline-length = 100\n');
      writeFileSync(join(dir, 'requirements.txt'), 'fastapi>=0.115\nuvicorn>=0.30\n');
      writeFileSync(join(dir, 'main.py'), 'from fastapi import FastAPI\napp = FastAPI()\n');
      await assert.rejects(prepareAdoption({ directory: dir }), (error: Error) => error instanceof AdoptRefusal && /add one \(name, version, requires-python\), then `uv add -r requirements\.txt`/.test(error.message));
      writeFileSync(join(dir, 'pyproject.toml'), `[project]\nname = "reqs-demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n${readFileSync(join(dir, 'pyproject.toml'), 'utf8')}`);
      const added = spawnSync('uv', ['add', '-q', '--no-sync', '-r', 'requirements.txt'], { cwd: dir, encoding: 'utf8' });
      assert.equal(added.status, 0, added.stderr);
      assert.equal((await prepareAdoption({ directory: dir })).detection.entrypoint.module, 'main');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a bad value from the project is an adoption refusal, naming its file', () => {
  it("an existing fly.toml's region that does not exist: exit 8, naming fly.toml", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cff-badfly-'));
    try {
      cpSync(join(FIXTURES, 'flat'), dir, { recursive: true });
      writeFileSync(join(dir, 'fly.toml'), 'app = "flat-api"\nprimary_region = "zzz"\n');
      await assert.rejects(prepareAdoption({ directory: dir, flags: { newFiles: true } }), (error: Error) => error instanceof AdoptRefusal && /read from the project's fly\.toml/.test(error.message) && (error as AdoptRefusal).exitCode === 8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('health routes behind routers', () => {
  const base = { 'pyproject.toml': PYPROJECT };
  it('finds a liveness route behind include_router prefixes and an APIRouter prefix', () => {
    const project = files({
      ...base,
      'app/__init__.py': '',
      'app/main.py': 'from fastapi import FastAPI\nfrom app.api import api_router\n\napp = FastAPI()\napp.include_router(api_router, prefix="/api")\n',
      'app/api.py': 'from fastapi import APIRouter\nfrom app.routes import utils\n\napi_router = APIRouter(prefix="/v1")\napi_router.include_router(utils.router)\n',
      'app/routes/__init__.py': '',
      'app/routes/utils.py': 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/utils")\n\n\n@router.get("/health")\ndef health():\n    return {}\n',
    }, ['uv.lock']);
    const detection = detectAdoption(project);
    assert.deepEqual(detection.health, { kind: 'http', path: '/api/v1/utils/health', from: 'GET /api/v1/utils/health, through the routers app/main.py includes' });
  });
  it('finds one registered in a loop, and never one behind a prefix read from settings', () => {
    const loop = files({
      ...base,
      'main.py': 'from fastapi import FastAPI\nfrom routers import items, status\n\napp = FastAPI()\nfor router in [items.router, status.router]:\n    app.include_router(router, prefix="/api")\n',
      'routers/__init__.py': '',
      'routers/items.py': 'from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get("/items")\ndef items():\n    return []\n',
      'routers/status.py': 'from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get("/healthz")\ndef healthz():\n    return {}\n',
    }, ['uv.lock']);
    assert.equal(detectAdoption(loop).health.kind === 'http' && (detectAdoption(loop).health as { path: string }).path, '/api/healthz');
    const settings = files({ ...base, 'main.py': 'from fastapi import FastAPI\nfrom routers import status\nfrom config import settings\n\napp = FastAPI()\napp.include_router(status.router, prefix=settings.API_PREFIX)\n', 'routers/__init__.py': '', 'routers/status.py': 'from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get("/healthz")\ndef healthz():\n    return {}\n' }, ['uv.lock']);
    assert.equal(detectAdoption(settings).health.kind, 'tcp');
  });
});
