/**
 * The rules a value must meet for the project to build, lock and launch. Each
 * rule is the one the tool that later reads the value applies (flyctl, uv, the
 * file system), so a value refused here would have failed there, later and
 * with a worse message.
 */

/**
 * C0 and C1 control characters, DEL and the Unicode line separators. In a
 * directory or a value they end up in fly.toml, README and the terminal, where
 * a newline splits a line (and a TOML comment) in two.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function controlCharacterProblem(text: string): string | undefined {
  const found = CONTROL.exec(text);
  if (!found) return undefined;
  const code = found[0].codePointAt(0)!.toString(16).padStart(4, '0');
  return `contains a control character (U+${code.toUpperCase()}); remove it`;
}

/**
 * A kit source as `--kit` takes it: a folder, a .tgz or an npm spec. Never
 * something npm would read as one of its own options.
 */
export function kitSourceProblem(spec: unknown): string | undefined {
  if (typeof spec !== 'string' || spec.trim() === '') return 'must be a folder, a .tgz or an npm package spec';
  const control = controlCharacterProblem(spec);
  if (control) return `the value ${control}`;
  if (spec.startsWith('-')) return `${JSON.stringify(spec)} starts with '-', which npm would read as an option (write ./${spec} for a folder of that name)`;
  return undefined;
}

/**
 * A path inside a project as records, kits and detection name it: relative,
 * with `/` between parts, each part a plain name (no `.`, `..` or empty
 * part), no backslash and no control character. A path that passes cannot
 * lead outside the project by its spelling; the writer still refuses to go
 * through a link (src/write/applyWrites.ts).
 */
export function projectPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') return 'is not a path';
  const control = controlCharacterProblem(path);
  if (control) return control;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is absolute; a path inside the project is relative to it';
  if (path.includes('\\')) return 'has a backslash; parts of a path are separated by /';
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) return "is not a plain path inside the project (an empty, '.' or '..' part)";
  return undefined;
}

/**
 * Fly app names: lowercase ASCII letters, digits and dashes (flyctl's
 * validateAppName), and one DNS label of `<app>.fly.dev`: at most 63, not
 * starting or ending with a dash. Two characters at least, as Fly's API asks.
 */
const APP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$/;
export const MAX_APP_NAME = 63;

/** PEP 503 normalisation, as uv compares project and package names. The one copy: every comparison of names goes through here. */
export function normalizePackageName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** The distribution a PEP 508 requirement names, normalised: `Fast_API[all]>=1; python_version>'3'` -> `fast-api`. */
export function requirementName(requirement: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement);
  return match ? normalizePackageName(match[1]!) : undefined;
}

/**
 * Every package in the lock of the largest project we generate (all features,
 * Python 3.11, so every backport is in). A project named like any of them makes
 * `uv lock` fail: its dependency's own requirement is "shadowed by your project".
 * Regenerate with: generate `--postgres managed --python 3.11`, `uv lock`, and
 * list the `name = ` lines of uv.lock. httpx is kept: earlier projects used it.
 */
export const LOCKED_PACKAGES: readonly string[] = [
  'alembic', 'annotated-doc', 'annotated-types', 'anyio', 'click', 'colorama', 'fastapi', 'fastapi-cli',
  'greenlet', 'h11', 'httpcore', 'httpcore2', 'httptools', 'httpx', 'httpx2', 'httpx2-jsfetch', 'idna',
  'iniconfig', 'mako', 'markdown-it-py', 'markupsafe', 'mdurl', 'opentelemetry-api', 'packaging', 'pluggy',
  'psycopg', 'psycopg-binary', 'pydantic', 'pydantic-core', 'pydantic-settings', 'pygments', 'pytest',
  'python-dotenv', 'pyyaml', 'rich', 'rich-toolkit', 'ruff', 'shellingham', 'sqlalchemy', 'starlette',
  'truststore', 'typer', 'typing-extensions', 'typing-inspection', 'tzdata', 'uvicorn', 'uvloop',
  'watchfiles', 'websockets',
];

export function appNameProblem(name: string): string | undefined {
  if (!APP_NAME.test(name)) {
    return `'${name}' is not a valid Fly app name (2-63 lowercase letters, digits and dashes, not starting or ending with a dash)`;
  }
  if (LOCKED_PACKAGES.includes(normalizePackageName(name))) {
    return `'${name}' is also the name of a package the project installs, and uv cannot lock a project that shadows its own dependency; choose another name`;
  }
  return undefined;
}

/**
 * Legacy Fly Postgres is a Fly app of its own, `<app>-db`, so it obeys the
 * app-name rules too: cut the app name to fit, never end on a dash, and never
 * come out equal to the app's own name (a 63-character app name ending in -db).
 */
export function legacyDatabaseName(app: string): string {
  for (const suffix of ['-db', '-pg']) {
    const name = `${app.slice(0, MAX_APP_NAME - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (name !== app) return name;
  }
  throw new Error(`no database name for ${app}`);
}

/**
 * Fly's Machine sizes and the memory each allows (fly-go's MachinePresets and
 * the MIN/MAX_MEMORY_MB_PER_(SHARED_)CPU limits flyctl checks): shared CPUs take
 * 256 MB to 2 GB each in steps of 256 MB; performance CPUs 2 GB to 8 GB each in
 * steps of 1 GB.
 */
export function memoryLimits(size: string): { cpus: number; min: number; max: number; step: number } {
  const match = /^(shared-cpu|performance)-(\d+)x$/.exec(size);
  if (!match) throw new Error(`unknown Machine size ${size}`);
  const cpus = Number(match[2]);
  return match[1] === 'shared-cpu'
    ? { cpus, min: 256 * cpus, max: 2048 * cpus, step: 256 }
    : { cpus, min: 2048 * cpus, max: 8192 * cpus, step: 1024 };
}

export function formatMemory(mb: number): string {
  return mb > 0 && mb % 1024 === 0 ? `${mb / 1024}gb` : `${mb}mb`;
}

export function memoryProblem(mb: number, size: string): string | undefined {
  const { min, max, step } = memoryLimits(size);
  if (mb < min || mb > max) return `${size} takes ${formatMemory(min)} to ${formatMemory(max)}, not ${formatMemory(mb)}`;
  if (mb % step !== 0) return `${size} takes memory in steps of ${formatMemory(step)}, not ${formatMemory(mb)}`;
  return undefined;
}

/** A path segment longer than this is refused by the file system (NAME_MAX on Linux and macOS). */
export const NAME_MAX_BYTES = 255;
