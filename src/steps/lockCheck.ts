/**
 * Is uv.lock still what pyproject.toml asks for? `uv lock --check` answers
 * without writing; the image's `uv sync --locked` would refuse a stale lock
 * halfway through a build, so --adopt asks before it writes anything.
 */
import { spawnSync } from 'node:child_process';

export type LockCheck = { kind: 'fresh' } | { kind: 'stale'; detail: string } | { kind: 'unchecked'; why: string };

export function checkLock(dir: string): LockCheck {
  const result = spawnSync('uv', ['lock', '--check'], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return { kind: 'unchecked', why: code === 'ENOENT' ? 'uv is not on PATH' : result.error.message };
  }
  if (result.status === 0) return { kind: 'fresh' };
  const output = `${result.stderr}\n${result.stdout}`;
  const detail = output.split('\n').map((line) => line.trim()).find((line) => /needs to be updated|not up-to-date|does not satisfy|lockfile/i.test(line));
  if (detail) return { kind: 'stale', detail: detail.replace(/^error:\s*/i, '') };
  const first = output.split('\n').map((line) => line.trim()).find(Boolean) ?? `exit ${result.status}`;
  return { kind: 'unchecked', why: `uv lock --check failed: ${first.replace(/^error:\s*/i, '')}` };
}
