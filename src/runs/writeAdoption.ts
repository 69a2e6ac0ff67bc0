/**
 * Writes an adoption plan through the same two steps as create and update:
 * every planned file is decided by reconcileFile against the disk (there is
 * no base: we never wrote here before), then the one writer applies the
 * decisions. Only new files are written, or files already byte for byte
 * ours; anything else at a planned path refuses the whole run before a byte
 * is written. No uv lock and no git init: the project and its repository
 * are the user's.
 */
import { resolve } from 'node:path';
import type { AdoptionPlan } from '../adopt/plan.ts';
import { fileMode } from '../record/fileModes.ts';
import { reconcileFile } from '../reconcile/reconcile.ts';
import { AdoptRefusal } from '../errors.ts';
import { Run } from '../run.ts';
import { applyWrites, readOnDisk, type FileWrite } from '../write/applyWrites.ts';

/** Returns the paths written. */
export async function writeAdoption(plan: AdoptionPlan, run: Run = new Run()): Promise<string[]> {
  const dir = resolve(plan.options.directory);
  const writes: FileWrite[] = [];
  for (const { path, content } of plan.files) {
    const decision = reconcileFile(undefined, readOnDisk(dir, path), content, fileMode(path, plan.owners.get(path) ?? 'create-fly-fastapi'));
    if (decision.action === 'in-the-way') throw new AdoptRefusal(`${path}: already there and not ours; move it aside, then run --adopt again (nothing was written)`);
    if (decision.write !== undefined) writes.push({ kind: 'write', path, content: decision.write });
  }
  // A signal that came while deciding is seen here, before the first write.
  await run.checkpoint();
  applyWrites(dir, writes);
  run.phase = 'written';
  return writes.map((change) => change.path);
}
