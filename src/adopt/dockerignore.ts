/**
 * The .dockerignore --adopt writes when the project has none. The adopted
 * image copies the whole build context, so this file decides what ships:
 * ours keeps out tools' folders, tests, docs and frontends; the project's
 * .gitignore adds its own, but only patterns that exclude nothing the build
 * or the app needs. A .gitignore line like `*` (made safe by negations we
 * cannot carry over) or `*.py` would otherwise empty the image.
 */
import type { ProjectFiles } from './files.ts';

/** Docker's matching, near enough: root-anchored, `*` within a name, `**` across folders; a matched folder holds its contents. */
export function dockerignoreMatches(pattern: string, path: string): boolean {
  const clean = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  if (!clean) return false;
  let source = '';
  for (let i = 0; i < clean.length; i++) {
    const char = clean[i]!;
    if (char === '*' && clean[i + 1] === '*') {
      source += '.*';
      i += clean[i + 2] === '/' ? 2 : 1;
      if (clean[i] === '/') source += '/?';
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = clean.indexOf(']', i);
      source += end > i ? clean.slice(i, end + 1) : '\\[';
      i = end > i ? end : i;
    } else source += char.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}(?:/.*)?$`).test(path);
}

/** A .gitignore line as Docker reads it: without a slash inside, git matches it at any depth. */
export function fromGitignore(line: string): string {
  const trimmed = line.replace(/\/+$/, '');
  if (trimmed.startsWith('/')) return trimmed.slice(1);
  return trimmed.includes('/') || trimmed.startsWith('**') ? trimmed : `**/${trimmed}`;
}

/** Folders that hold a JavaScript frontend (a package.json), not the API. */
export function frontendFolders(files: ProjectFiles): string[] {
  return [...files.paths]
    .filter((path) => path.endsWith('/package.json') && !path.includes('node_modules/'))
    .map((path) => path.slice(0, -'/package.json'.length))
    .filter((folder) => ![...files.paths].some((path) => path.startsWith(`${folder}/`) && path.endsWith('.py')))
    .sort();
}

/**
 * Ours, then the project's frontends, then its .gitignore: each line kept
 * only if it excludes none of `needed` (paths the build and the app read).
 */
export function adoptedDockerignore(ours: string, gitignore: string | undefined, files: ProjectFiles, needed: readonly string[]): string {
  const safe = (pattern: string) => !needed.some((path) => dockerignoreMatches(pattern, path));
  const lines = ours.trimEnd().split('\n').filter((line) => !line.trim() || line.startsWith('#') || safe(line.trim()));
  const seen = new Set(lines.map((line) => line.trim()));
  const add = (into: string[], line: string) => {
    if (!seen.has(line) && safe(line)) {
      seen.add(line);
      into.push(line);
    }
  };
  const extra: string[] = [];
  for (const line of ['**/node_modules/', 'docs/', '.create-fly-fastapi/', 'Dockerfile.new', 'fly.toml.new', ...frontendFolders(files).map((folder) => `${folder}/`)]) add(extra, line);
  const theirs: string[] = [];
  for (const raw of (gitignore ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    // A negation only makes sense with the lines before it; without them it could let in what they kept out.
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    add(theirs, fromGitignore(line));
  }
  const out = [...lines, ...extra];
  if (theirs.length) out.push('', "# From the project's .gitignore (a line that would exclude a file the build or the app needs is left out):", ...theirs);
  return `${out.join('\n')}\n`;
}

/** What the image must hold whatever the ignore files say: the build's inputs and the project's Python. */
export function neededPaths(files: ProjectFiles, extra: readonly string[]): string[] {
  const python = [...files.paths].filter((path) => path.endsWith('.py') && !/(^|\/)(tests?|docs)\//.test(path) && !/(^|\/)(test_[^/]*|conftest)\.py$/.test(path));
  return [...new Set(['pyproject.toml', 'uv.lock', ...python, ...extra])];
}
