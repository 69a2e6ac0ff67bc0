/** A project tree as path -> sha256, for "what changed" checks and the update demo. */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export function treeHashes(dir: string, skip: (path: string) => boolean = (path) => path.startsWith('.git/')): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (skip(path)) continue;
    out.set(path, createHash('sha256').update(readFileSync(join(dir, path))).digest('hex'));
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}
