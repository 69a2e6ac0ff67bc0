/**
 * A conflict left with markers, as git itself leaves one: the file unmerged
 * in the index, with the three versions as stages 1 (base), 2 (yours) and 3
 * (ours, new). `git status` then shows it as `UU`, `git diff` shows the
 * combined diff, and a plain `git commit` refuses until it is resolved and
 * added (`git commit -a` still stages it as it is: that is git's rule).
 */
import { spawnSync } from 'node:child_process';

export interface Unmerged {
  path: string;
  base: string;
  yours: string;
  next: string;
  executable?: boolean;
}

function git(dir: string, args: string[], input?: string): { ok: boolean; out: string } {
  const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8', input });
  return { ok: result.status === 0, out: (result.stdout ?? '').trim() };
}

/** True when every file is recorded as unmerged; false outside a git work tree or when git fails (the markers are in the files either way). */
export function markUnmerged(dir: string, files: readonly Unmerged[]): boolean {
  if (files.length === 0) return true;
  const inside = git(dir, ['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok || inside.out !== 'true') return false;
  const lines: string[] = [];
  for (const file of files) {
    const mode = file.executable ? '100755' : '100644';
    const blobs = [file.base, file.yours, file.next].map((text) => git(dir, ['hash-object', '-w', '--stdin'], text));
    if (blobs.some((blob) => !blob.ok)) return false;
    // The path leaves stage 0 first, then its three stages go in.
    lines.push(`0 ${'0'.repeat(40)}\t${file.path}`);
    blobs.forEach((blob, index) => lines.push(`${mode} ${blob.out} ${index + 1}\t${file.path}`));
  }
  return git(dir, ['update-index', '--index-info'], `${lines.join('\n')}\n`).ok;
}
