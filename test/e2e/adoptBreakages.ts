/**
 * One mistake per check of the adopt tier, each one --adopt (or a hand
 * edit after it) could really make; the named check must fail for the
 * stated reason.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdoptCheck } from './adopt.ts';

export interface AdoptBreakage {
  name: string;
  fixture: string;
  check: AdoptCheck;
  mistake: string;
  edit(dir: string): void;
  says: RegExp;
}

function replaceIn(dir: string, path: string, from: string | RegExp, to: string): void {
  const file = join(dir, path);
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`breakage: ${path} no longer holds ${String(from)}`);
  writeFileSync(file, changed);
}

export const ADOPT_BREAKAGES: AdoptBreakage[] = [
  {
    name: 'user-file-touched',
    fixture: 'flat',
    check: 'user-files',
    mistake: "adopting rewrites the user's pyproject.toml",
    edit: (dir) => appendFileSync(join(dir, 'pyproject.toml'), '\n[tool.fastapi]\nentrypoint = "main:app"\n'),
    says: /the user's files changed: pyproject\.toml/,
  },
  {
    name: 'module-not-copied',
    fixture: 'package',
    check: 'contents',
    mistake: 'a module the app imports at start (pricing.py) is kept out of the build context',
    edit: (dir) => appendFileSync(join(dir, '.dockerignore'), 'pricing.py\n'),
    says: /missing: pricing\.py/,
  },
  {
    name: 'migrations-not-copied',
    fixture: 'alembic',
    check: 'contents',
    mistake: 'the migrations folder the release command runs is kept out of the build context',
    edit: (dir) => appendFileSync(join(dir, '.dockerignore'), 'migrations/\n'),
    says: /missing: migrations/,
  },
  {
    name: 'release-migrates-nothing',
    fixture: 'alembic',
    check: 'release',
    mistake: 'the release command runs Alembic without upgrading',
    edit: (dir) => replaceIn(dir, 'fly.toml', 'release_command = "alembic upgrade head"', 'release_command = "alembic current"'),
    says: /the first release_command applied no migration/,
  },
  {
    name: 'wrong-entrypoint',
    fixture: 'flat',
    check: 'service-check',
    mistake: "the CMD names an app the module does not have",
    edit: (dir) => replaceIn(dir, 'Dockerfile', '"main:app"', '"main:application"'),
    says: /the server stopped before answering \/health/,
  },
  {
    name: 'port-mismatch',
    fixture: 'srclayout',
    check: 'service-check',
    mistake: "fly.toml's internal_port is not the port the CMD listens on",
    edit: (dir) => {
      replaceIn(dir, 'fly.toml', 'internal_port = 8000', 'internal_port = 8001');
      replaceIn(dir, 'fly.toml', 'port = 8000', 'port = 8001');
    },
    says: /nothing accepted a TCP connection on 8001/,
  },
  {
    name: 'health-path-missing',
    fixture: 'flytoml',
    check: 'service-check',
    mistake: 'the service check asks a path the app does not serve',
    edit: (dir) => replaceIn(dir, 'fly.toml.new', 'path = "/status"', 'path = "/healthz"'),
    says: /\/healthz answered 404, not 200/,
  },
  {
    name: 'another-app-served',
    fixture: 'factory',
    check: 'routes',
    mistake: "the CMD serves an app that is not the user's: the TCP check passes, the user's routes are gone",
    edit: (dir) => replaceIn(dir, 'Dockerfile', '"app.main:create_app"', '"fastapi:FastAPI"'),
    says: /GET \/ping answered 404/,
  },
  // The old behaviour for each trait that broke real projects: each must fail.
  {
    name: 'python-without-wheels',
    fixture: 'oldlock',
    check: 'image',
    mistake: "the image runs the newest Python, for which the lock's pydantic-core has no wheel (it would need a compiler)",
    edit: (dir) => replaceIn(dir, 'Dockerfile', /python:3\.13-slim/g, 'python:3.14-slim'),
    says: /docker build failed/,
  },
  {
    name: 'app-cannot-write',
    fixture: 'writes',
    check: 'service-check',
    mistake: '/app belongs to root, as for a generated project, so the logs/ the app makes at import cannot be made',
    edit: (dir) => {
      replaceIn(dir, 'Dockerfile', 'COPY --chown=1000:1000 . /app', 'COPY . /app');
      replaceIn(dir, 'Dockerfile', ' \\\n    && mkdir /app && chown app:app /app', '');
    },
    says: /the server stopped before answering \/healthz/,
  },
  {
    name: 'privileged-port',
    fixture: 'port80',
    check: 'service-check',
    mistake: "the Procfile's port 80 is served by a server that is not root",
    edit: (dir) => {
      replaceIn(dir, 'Dockerfile', /8000/g, '80');
      replaceIn(dir, 'fly.toml', 'internal_port = 8000', 'internal_port = 80');
    },
    says: /the server stopped before answering \/health/,
  },
  {
    name: 'release-cannot-import',
    fixture: 'noprepend',
    check: 'release',
    mistake: "the project is not on the import path, and alembic.ini has no prepend_sys_path for env.py's `import app.models`",
    edit: (dir) => replaceIn(dir, 'Dockerfile', /^ {4}PYTHONPATH=.*\n/m, ''),
    says: /No module named 'app'/,
  },
  {
    name: 'release-from-root',
    fixture: 'dbfolder',
    check: 'release',
    mistake: "the release command runs from the project root with -c backend/db/alembic.ini, where the ini's relative script_location names no folder",
    edit: (dir) => replaceIn(dir, 'fly.toml', 'release_command = "env --chdir=backend/db alembic upgrade head"', 'release_command = "alembic -c backend/db/alembic.ini upgrade head"'),
    says: /Path doesn't exist: .*migrations/,
  },
  {
    name: 'project-not-installed',
    fixture: 'metadata',
    check: 'service-check',
    mistake: 'only the dependencies are installed, so importlib.metadata.version() of the project itself fails',
    edit: (dir) => replaceIn(dir, 'Dockerfile', 'uv sync --locked --no-editable', 'true'),
    says: /the server stopped before answering \/healthz/,
  },
  {
    name: 'prompts-left-out',
    fixture: 'prompts',
    check: 'service-check',
    mistake: 'only the Python the entrypoint imports ships, not the prompts/ folder it reads at import',
    edit: (dir) => appendFileSync(join(dir, '.dockerignore'), 'prompts/\n'),
    says: /the server stopped before answering \/healthz/,
  },
];
