/**
 * One deliberate mistake per check of the tier, made in a freshly generated
 * project: each is a bug a scaffolder or a user could really ship. The
 * breakage suite runs the tier on each broken project and requires the named
 * check to fail for the stated reason, so no check can silently pass
 * everything.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from './report.ts';

export interface Breakage {
  name: string;
  /** The check that must catch it. */
  check: Check;
  /** What the mistake is, in the words of the note. */
  mistake: string;
  /** Postgres variants for database mistakes, the lighter none variant otherwise. */
  postgres: 'none' | 'managed';
  /** Several regions for the mistakes that only multi-region projects can make. */
  regions?: string[];
  edit(dir: string): void;
  /** The failing check's message must say this. */
  says: RegExp;
}

/** Replaces `from` with `to` in a generated file, and fails loudly if the file no longer has `from`. */
function replaceIn(dir: string, path: string, from: string, to: string): void {
  const file = join(dir, path);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`breakage out of date: ${path} has no ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

export const BREAKAGES: readonly Breakage[] = [
  {
    name: 'no-lockfile',
    check: 'lock',
    mistake: 'uv.lock is missing after generation',
    postgres: 'none',
    edit: (dir) => rmSync(join(dir, 'uv.lock')),
    says: /uv lock .*failed/,
  },
  {
    name: 'stale-lockfile',
    check: 'lock',
    mistake: 'a dependency added to pyproject.toml without `uv lock`',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'pyproject.toml', 'dependencies = [\n', 'dependencies = [\n    "rich>=13",\n'),
    says: /needs to be updated/i,
  },
  {
    name: 'lockfile-hash-edited',
    check: 'sync',
    mistake: 'uv.lock edited by hand (a merge gone wrong): a wheel hash no longer matches the file',
    postgres: 'none',
    edit: (dir) => {
      const lock = readFileSync(join(dir, 'uv.lock'), 'utf8');
      const wheels = lock.indexOf('wheels = [', lock.indexOf('[[package]]\nname = "idna"'));
      const digit = lock.indexOf('hash = "sha256:', wheels) + 'hash = "sha256:'.length;
      if (wheels < 0 || digit < 'hash = "sha256:'.length) throw new Error('breakage out of date: uv.lock has no idna wheel');
      writeFileSync(join(dir, 'uv.lock'), `${lock.slice(0, digit)}${lock[digit] === '0' ? '1' : '0'}${lock.slice(digit + 1)}`);
    },
    says: /hash mismatch|Hash mismatch/i,
  },
  {
    name: 'unused-import',
    check: 'ruff',
    mistake: 'an unused import in app/main.py',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'app/main.py', 'from fastapi import FastAPI\n', 'import os\n\nfrom fastapi import FastAPI\n'),
    says: /F401/,
  },
  {
    name: 'unformatted',
    check: 'format',
    mistake: 'app/health.py not formatted by ruff',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'app/health.py', 'return {"status": "ok"}', 'return {"status":"ok"}'),
    says: /would be reformatted/,
  },
  {
    name: 'wrong-liveness-body',
    check: 'pytest',
    mistake: 'the liveness route answers a body its test does not expect',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'app/health.py', 'return {"status": "ok"}', 'return {"status": "up"}'),
    says: /\d+ failed/,
  },
  {
    name: 'unpinned-apt',
    check: 'hadolint',
    mistake: 'an unpinned apt-get install in the runtime stage',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'Dockerfile', '\nWORKDIR /app\nCOPY --from=builder', '\nRUN apt-get update && apt-get install -y curl\nWORKDIR /app\nCOPY --from=builder'),
    says: /DL3008|DL3015|DL3009/,
  },
  {
    name: 'port-in-one-file',
    check: 'consistency',
    mistake: "fly.toml's internal_port changed to 8080, the Dockerfile left on 8000",
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'fly.toml', 'internal_port = 8000', 'internal_port = 8080'),
    says: /internal_port = 8080/,
  },
  {
    name: 'committed-credential',
    check: 'secrets',
    mistake: 'a real-looking DATABASE_URL with a password in .env.example',
    postgres: 'none',
    edit: (dir) => appendFileSync(join(dir, '.env.example'), 'DATABASE_URL=postgres://app:Xk29vLq7TgBn4s@db.internal:5432/app\n'),
    says: /password in a URL/,
  },
  {
    name: 'lockfile-not-in-context',
    check: 'image',
    mistake: '.dockerignore drops uv.lock from the build context',
    postgres: 'none',
    edit: (dir) => appendFileSync(join(dir, '.dockerignore'), 'uv.lock\n'),
    says: /uv\.lock/,
  },
  {
    name: 'copy-of-ignored-path',
    check: 'image',
    mistake: 'the runtime stage copies migrations/, which .dockerignore excludes',
    postgres: 'managed',
    edit: (dir) => appendFileSync(join(dir, '.dockerignore'), 'migrations/\n'),
    says: /migrations/,
  },
  {
    name: 'user-root',
    check: 'contents',
    mistake: 'the runtime stage runs as USER root',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'Dockerfile', 'USER 1000:1000', 'USER root'),
    says: /runs as root/,
  },
  {
    name: 'debug-sections-kept',
    check: 'contents',
    mistake: 'the builder no longer strips the compiled extensions (25 MB of DWARF in the image)',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'Dockerfile', 'then strip --strip-debug "$f"; fi', 'then :; fi'),
    says: /debug sections in \d+ compiled extensions/,
  },
  {
    name: 'orm-without-bytecode',
    check: 'bytecode',
    mistake: "the builder deletes the bytecode of SQLAlchemy's ORM, which the server imports at start",
    postgres: 'managed',
    edit: (dir) => replaceIn(dir, 'Dockerfile', 'sqlalchemy/(testing|', 'sqlalchemy/(orm|testing|'),
    says: /compiled \d+ module\(s\) of its virtual environment at start.*sqlalchemy\/orm\//,
  },
  {
    name: 'uv-in-final-image',
    check: 'contents',
    mistake: 'uv copied into the runtime stage',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'Dockerfile', 'COPY app /app/app\n', 'COPY app /app/app\nCOPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv\n'),
    says: /uv/,
  },
  {
    name: 'tests-in-final-image',
    check: 'contents',
    mistake: 'the whole context copied into the runtime stage, with tests/ no longer in .dockerignore',
    postgres: 'none',
    edit: (dir) => {
      replaceIn(dir, '.dockerignore', 'tests/\n', '');
      replaceIn(dir, 'Dockerfile', 'COPY app /app/app\n', 'COPY . /app\n');
    },
    says: /\/app\/tests/,
  },
  {
    name: 'alembic-ini-not-copied',
    check: 'migrate',
    mistake: 'the runtime stage does not COPY alembic.ini, which the release command needs',
    postgres: 'managed',
    edit: (dir) => replaceIn(dir, 'Dockerfile', 'COPY alembic.ini /app/alembic.ini\n', ''),
    says: /alembic/i,
  },
  {
    name: 'model-without-migration',
    check: 'migrate',
    mistake: 'a column added to the model with no migration for it',
    postgres: 'managed',
    edit: (dir) =>
      replaceIn(
        dir,
        'app/models.py',
        '    name: Mapped[str] = mapped_column(String(200))\n',
        '    name: Mapped[str] = mapped_column(String(200))\n    note: Mapped[str | None] = mapped_column(String(200))\n',
      ),
    says: /alembic check|drift|New upgrade operations/i,
  },
  {
    name: 'app-not-copied',
    check: 'serve',
    mistake: 'the runtime stage lacks the app package the CMD imports',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'Dockerfile', 'COPY app /app/app\n', ''),
    says: /stopped before answering|ModuleNotFoundError|Could not import/,
  },
  {
    name: 'loopback-bind',
    check: 'serve',
    mistake: "the CMD binds 127.0.0.1, which Fly's proxy cannot reach",
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'Dockerfile', '"--host", "0.0.0.0"', '"--host", "127.0.0.1"'),
    says: /loopback/,
  },
  {
    name: 'readiness-always-ok',
    check: 'readyz',
    mistake: 'the readiness route answers 200 with the database down',
    postgres: 'managed',
    edit: (dir) => replaceIn(dir, 'app/platform/readiness.py', 'status_code=503', 'status_code=200'),
    says: /503/,
  },
  {
    name: 'readiness-waits-for-the-database',
    check: 'readyz',
    mistake: 'the readiness route waits on a silent database longer than its check allows',
    postgres: 'managed',
    edit: (dir) => {
      replaceIn(dir, 'app/platform/readiness.py', 'asyncio.timeout(2)', 'asyncio.timeout(30)');
      replaceIn(dir, 'app/platform/settings.py', 'db_connect_timeout_seconds: int = Field(default=5, ge=1)', 'db_connect_timeout_seconds: int = Field(default=30, ge=1)');
    },
    says: /beyond the check's timeout|did not answer within/,
  },
  {
    name: 'delete-not-committed',
    check: 'crud',
    mistake: 'DELETE /items/{id} answers 204 but never commits',
    postgres: 'managed',
    edit: (dir) => replaceIn(dir, 'app/items.py', '    await session.delete(item)\n    await session.commit()\n', '    await session.delete(item)\n'),
    says: /404/,
  },
  {
    name: 'writes-not-replayed',
    check: 'replay',
    mistake: 'a write outside the primary region is answered there instead of replayed',
    postgres: 'managed',
    regions: ['iad', 'lhr'],
    edit: (dir) => replaceIn(dir, 'app/platform/replay.py', 'self.active = bool(current_region) and current_region != primary_region', 'self.active = False'),
    says: /expected 409/,
  },
  {
    name: 'outgrows-the-machine',
    check: 'memory',
    mistake: 'the app holds more memory than the Machine fly.toml sizes can spare (a cache loaded at import)',
    postgres: 'none',
    edit: (dir) => appendFileSync(join(dir, 'app/main.py'), '\n_WARM_CACHE = b"x" * (400 << 20)\n'),
    says: /OOM-killed/,
  },
  {
    name: 'database-errors-are-500s',
    check: 'faults',
    mistake: 'database connection errors are left to the default handler: a 500 per request during an outage',
    postgres: 'managed',
    edit: (dir) => replaceIn(dir, 'app/platform/database_errors.py', '        app.add_exception_handler(error, unavailable)', '        pass'),
    says: /expected 503 only/,
  },
  {
    name: 'outage-floods-the-log',
    check: 'faults',
    mistake: 'every failed request logs its own warning: an outage under load floods the log',
    postgres: 'managed',
    edit: (dir) => replaceIn(dir, 'app/platform/database_errors.py', 'period_seconds: float = 30.0', 'period_seconds: float = 0.0'),
    says: /floods the log/,
  },
  {
    name: 'shell-form-cmd',
    check: 'stop',
    mistake: 'a shell-form CMD: /bin/sh is PID 1 and never passes SIGTERM on',
    postgres: 'none',
    edit: (dir) => replaceIn(dir, 'Dockerfile', 'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000",', 'CMD uvicorn app.main:app --host 0.0.0.0 --port 8000 #'),
    says: /kill_timeout|Fly would kill it/,
  },
];
