/**
 * Which of the given files have changes git does not hold yet. An update
 * refuses to touch those (unless --allow-dirty): with everything committed,
 * `git diff` shows exactly what the update did and `git checkout` undoes it.
 */
import { spawnSync } from 'node:child_process';

/** Paths (of those given) that are modified, staged or untracked; undefined outside a git work tree. */
export function uncommittedPaths(dir: string, paths: readonly string[]): string[] | undefined {
  if (paths.length === 0) return [];
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, encoding: 'utf8' });
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') return undefined;
  const status = spawnSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths], { cwd: dir, encoding: 'utf8' });
  if (status.status !== 0) return undefined;
  return status.stdout
    .split('\0')
    .filter(Boolean)
    .map((entry) => entry.slice(3));
}
