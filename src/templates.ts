/** Reads the template folders shipped in the package into memory, for the pure core. */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateFiles } from './core/plan.ts';

/** templates/ beside dist/ in the package, and beside src/ when run from source. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates', import.meta.url));

export async function loadTemplates(dir: string = TEMPLATES_DIR): Promise<TemplateFiles> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  const pairs = await Promise.all(
    files.map(async (entry) => {
      const full = join(entry.parentPath, entry.name);
      return [relative(dir, full).split(sep).join('/'), await readFile(full, 'utf8')] as const;
    }),
  );
  return new Map(pairs.sort(([a], [b]) => a.localeCompare(b)));
}
