// Everything the bench compares against or drives, fetched into its own temp
// folder so that nothing is installed globally and every run starts alike.
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { say } from './log.mjs';
import { run } from './proc.mjs';

function which(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Installs npm packages into a fresh folder of their own, never globally. */
export function npmInstallInto(dir, specs) {
  mkdirSync(dir, { recursive: true });
  run('npm', ['init', '-y'], { cwd: dir });
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: dir });
}

/**
 * uv's own binaries. A pyenv shim for uv follows each project's .python-version
 * and adds a shell start per call; the bench puts the real binaries first on PATH
 * (for the generated CLI and for fastapi-new, which both call `uv`).
 * Without uv at all, uv is pip-installed into a private venv.
 */
function resolveUv(tmp) {
  const found = which('uv');
  if (found && found.includes('/shims/')) {
    const real = run('pyenv', ['which', 'uv'], { allowFailure: true }).stdout?.trim();
    if (real && existsSync(real)) return real;
  }
  if (found) return found;
  say('uv not found: installing it with pip into a private virtual environment');
  const venv = join(tmp, 'uv-venv');
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', 'uv']);
  return join(venv, 'bin', 'uv');
}

function makeUvEnv(tmp) {
  const uv = resolveUv(tmp);
  const bin = join(tmp, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(uv, join(bin, 'uv'));
  symlinkSync(join(uv, '..', 'uvx'), join(bin, 'uvx'));
  const env = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH}`,
    // This machine cannot download Python builds; fail at once rather than try.
    UV_PYTHON_DOWNLOADS: 'never',
    NO_COLOR: '1',
  };
  const version = run('uv', ['--version'], { env }).stdout.trim();
  return { env, version };
}

function installCreateVite(tmp) {
  const dir = join(tmp, 'create-vite');
  say('installing create-vite from npm (the anchor for start-up, generation and download size)');
  npmInstallInto(dir, ['create-vite@latest']);
  const pkgDir = join(dir, 'node_modules', 'create-vite');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  return { bin: join(pkgDir, 'index.js'), version };
}

function fetchFastapiNew(uv) {
  say('fetching fastapi-new with uvx (the anchor for lock time and environment size)');
  run('uvx', ['fastapi-new', '--help'], { env: uv.env });
  const version = run(
    'uv',
    ['tool', 'run', '--from', 'fastapi-new', 'python', '-c', "import importlib.metadata as m; print(m.version('fastapi-new'))"],
    { env: uv.env },
  ).stdout.trim();
  return { version };
}

/**
 * wrk when it is installed (light on CPU, written in C); otherwise autocannon from
 * npm, so the bench runs on any machine. BENCH_LOAD=autocannon forces the latter.
 */
function findLoadTool(tmp) {
  if (process.env.BENCH_LOAD !== 'autocannon') {
    const wrk = which('wrk');
    if (wrk) return { name: 'wrk', bin: wrk };
  }
  say('wrk not found (or BENCH_LOAD=autocannon): installing autocannon from npm');
  const dir = join(tmp, 'autocannon');
  npmInstallInto(dir, ['autocannon']);
  return { name: 'autocannon', bin: join(dir, 'node_modules', 'autocannon', 'autocannon.js') };
}

export function prepareTools(tmp) {
  const uv = makeUvEnv(tmp);
  say(`using ${uv.version}`);
  return {
    uv,
    createVite: installCreateVite(tmp),
    fastapiNew: fetchFastapiNew(uv),
    // Loaded only when the service section runs.
    loadTool: () => findLoadTool(tmp),
  };
}
