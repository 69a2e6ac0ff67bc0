// Python projects made by our CLI and by fastapi-new, and their runtime environments.
import { existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './log.mjs';
import { run } from './proc.mjs';

/** The only Python this machine has; uv may not download another. */
export const PYTHON = process.env.BENCH_PYTHON ?? '3.11';

/** Our CLI with `uv lock` (on by default when uv exists) and nothing else. */
export function oursCommand(repo, name, flags = []) {
  return [process.execPath, [join(repo, 'index.js'), name, '--yes', '--no-git', '--no-launch', '--python', PYTHON, ...flags]];
}

export function fastapiNewCommand(name) {
  return ['uvx', ['fastapi-new', name, '--python', PYTHON]];
}

/** A lock that failed quietly would make a generator look fast: insist on uv.lock. */
export function assertLocked(dir) {
  if (!existsSync(join(dir, 'uv.lock'))) throw new Error(`no uv.lock in ${dir}: uv lock did not run or failed`);
}

/**
 * The runtime environment as the generated Dockerfile builds it: locked, without
 * dev dependencies or the project itself, files copied (not hard-linked) out of
 * the cache and byte-compiled.
 */
export function syncRuntime(dir, env) {
  run('uv', ['sync', '--locked', '--no-dev', '--no-install-project'], {
    cwd: dir,
    env: { ...env, UV_LINK_MODE: 'copy', UV_COMPILE_BYTECODE: '1' },
  });
}

/** Apparent size of every file under dir (symlinks counted as links, not followed). */
export function dirSize(dir) {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = dirSize(path);
      bytes += inner.bytes;
      files += inner.files;
    } else {
      bytes += lstatSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}

export function countDistributions(venv) {
  const lib = join(venv, 'lib');
  let count = 0;
  for (const python of readdirSync(lib)) {
    const site = join(lib, python, 'site-packages');
    if (existsSync(site)) count += readdirSync(site).filter((name) => name.endsWith('.dist-info')).length;
  }
  return count;
}

/**
 * The three projects whose runtime environments are compared (section 6) and the
 * first of which is served (section 5). Made once per bench run.
 */
export function runtimeProjects(ctx) {
  if (ctx.projects) return ctx.projects;
  const parent = join(ctx.tmp, 'runtime');
  mkdirSync(parent, { recursive: true });
  const env = ctx.tools.uv.env;
  const make = (name, [cmd, args]) => {
    say(`   making ${name} and its runtime environment`);
    run(cmd, args, { cwd: parent, env });
    const dir = join(parent, name);
    assertLocked(dir);
    // fastapi-new leaves a full .venv behind; rebuild it the same way as ours.
    run('rm', ['-rf', join(dir, '.venv')]);
    syncRuntime(dir, env);
    return { dir, venv: join(dir, '.venv') };
  };
  ctx.projects = {
    postgres: make('ours-postgres', oursCommand(ctx.repo, 'ours-postgres')),
    noPostgres: make('ours-no-postgres', oursCommand(ctx.repo, 'ours-no-postgres', ['--no-postgres'])),
    fastapiNew: make('fastapi-new-app', fastapiNewCommand('fastapi-new-app')),
  };
  return ctx.projects;
}
