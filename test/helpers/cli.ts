/** Runs the built CLI the way a user's shell would, without a terminal. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = new URL('../../index.js', import.meta.url).pathname;

if (!existsSync(new URL('../../dist/cli.js', import.meta.url))) {
  throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, CI: '', NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix = 'cff-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Everything in a directory, hidden entries included, for "nothing was written" checks. */
export function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** The same as runCli, without blocking, so independent runs can overlap. */
export function runCliAsync(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, CI: '', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** Every entry below `dir` (hidden ones too) with its kind and, for files, its bytes: "nothing changed" checks. */
export function snapshot(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (current: string, prefix: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      const stat = lstatSync(path);
      const key = prefix + name;
      if (stat.isSymbolicLink()) found.set(key, `link:${readlinkSync(path)}`);
      else if (stat.isDirectory()) {
        found.set(key, 'dir');
        walk(path, `${key}/`);
      } else if (stat.isFile()) found.set(key, `file:${readFileSync(path).toString('base64')}`);
      else found.set(key, 'special');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return found;
}

/** Runs `task` over `items`, at most `limit` at a time. */
export async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
