/** Runs the built CLI the way a user's shell would, without a terminal. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
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
