/**
 * Which of the given files have changes git does not hold yet. An update
 * refuses to touch those (unless --allow-dirty): with everything committed,
 * `git diff` shows exactly what the update did and `git checkout` undoes it.
 */
import { spawnSync } from 'node:child_process';
import { RefusedError } from '../errors.ts';
import { isInsideGitRepo } from './tools.ts';

/**
 * Paths (of those given) that are modified, staged or untracked; undefined
 * outside a git work tree. Inside one without a git to ask, the check cannot
 * be made, and an update does not go ahead as if it had been.
 */
export function uncommittedPaths(dir: string, paths: readonly string[]): string[] | undefined {
  if (paths.length === 0) return [];
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, encoding: 'utf8' });
  if (inside.error && isInsideGitRepo(dir)) {
    throw new RefusedError('this project is in a git repository, but git is not on PATH to check it for uncommitted changes: install git, or use --allow-dirty');
  }
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') return undefined;
  const status = spawnSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths], { cwd: dir, encoding: 'utf8' });
  if (status.status !== 0) return undefined;
  return status.stdout
    .split('\0')
    .filter(Boolean)
    .map((entry) => entry.slice(3));
}
