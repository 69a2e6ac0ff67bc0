/**
 * The one place --adopt reads the user's project: every path (for what
 * exists) and the texts detection looks at. It follows no link out of the
 * project, opens only regular files, and skips what a tool made (.venv,
 * caches, .git), so a big virtual environment costs nothing.
 */
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectFiles } from '../adopt/files.ts';

const SKIPPED = new Set(['.git', '.venv', 'venv', 'node_modules', '__pycache__', '.mypy_cache', '.pytest_cache', '.ruff_cache', '.tox', '.nox', 'dist', 'build']);
/** Texts detection reads: Python sources and the configuration files it knows. */
const READ = /(\.py|\.toml|\.ini|\.cfg|^Procfile|^Dockerfile|^\.python-version|^\.gitignore|^\.dockerignore|manifest\.json)$/;
const MAX_TEXT_BYTES = 512 * 1024;
const MAX_FILES = 20_000;

export function readProject(root: string): ProjectFiles {
  const paths = new Set<string>();
  const texts = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    // A folder's own files before its subfolders: however large the tree, the root's pyproject.toml is seen.
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => Number(a.isDirectory()) - Number(b.isDirectory()));
    for (const entry of entries) {
      if (paths.size >= MAX_FILES) return;
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(join(dir, entry.name), path);
        continue;
      }
      if (!entry.isFile()) continue;
      paths.add(path);
      if (!READ.test(entry.name)) continue;
      const full = join(dir, entry.name);
      if (lstatSync(full).size <= MAX_TEXT_BYTES) texts.set(path, readFileSync(full, 'utf8'));
    }
  };
  walk(root, '');
  return { paths, texts };
}
