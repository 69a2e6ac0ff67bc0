/** The example kit, copies of it to change, and projects read back as trees. */
import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { tempDir } from './cli.ts';

export const EXAMPLE_KIT = new URL('../../examples/acme-kit', import.meta.url).pathname;

/** A copy of the example kit in a temp folder, to change for one test. */
export function copyOfExampleKit(): string {
  const dir = join(tempDir('cff-kit-'), 'acme-kit');
  cpSync(EXAMPLE_KIT, dir, { recursive: true });
  return dir;
}

/** Every file under dir, by POSIX path, with its text. */
export function readTree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  return new Map(files.map((file) => [relative(dir, file).split(sep).join('/'), readFileSync(file, 'utf8')] as const).sort(([a], [b]) => a.localeCompare(b)));
}
