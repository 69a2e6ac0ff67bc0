/**
 * A kit made ready for a run: fetched (folder, tarball or npm spec), loaded
 * and checked, with what fetching left in the temp folder removed before this
 * returns. Create and update both start a kit here; they differ only in how a
 * `requires` range that excludes this version is reported (exit 2 or 6).
 */
import type { Run } from '../run.ts';
import { VERSION } from '../version.ts';
import { KitError } from './errors.ts';
import { fetchKit } from './fetch.ts';
import { loadKit } from './load.ts';
import { satisfies } from './semver.ts';
import type { Kit } from './types.ts';

export function checkRequires(kit: Kit, generatorVersion: string): void {
  if (kit.requires === undefined || satisfies(generatorVersion, kit.requires)) return;
  throw new KitError(`${kit.file} [kit] requires: ${kit.name} ${kit.version} needs create-fly-fastapi ${kit.requires}; this is ${generatorVersion}`);
}

/** Fetched and loaded; the version range is not checked yet. */
export async function readKit(spec: string, run?: Run): Promise<Kit> {
  const fetched = await fetchKit(spec, process.cwd(), run);
  try {
    return await loadKit(fetched.dir, fetched.source);
  } finally {
    await fetched.dispose();
  }
}

/** Fetches, reads and checks a kit. */
export async function prepareKit(spec: string, generatorVersion: string = VERSION, run?: Run): Promise<Kit> {
  const kit = await readKit(spec, run);
  checkRequires(kit, generatorVersion);
  return kit;
}
