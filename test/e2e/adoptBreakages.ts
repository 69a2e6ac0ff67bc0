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
    mistake: 'a module the app imports at start (pricing.py) is left out of the image',
    edit: (dir) => replaceIn(dir, 'Dockerfile', /^COPY pricing\.py \/app\/pricing\.py\n/m, ''),
    says: /missing: pricing\.py/,
  },
  {
    name: 'migrations-not-copied',
    fixture: 'alembic',
    check: 'contents',
    mistake: 'the runtime stage does not copy the migrations folder the release command runs',
    edit: (dir) => replaceIn(dir, 'Dockerfile', /^COPY migrations \/app\/migrations\n/m, ''),
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
];
