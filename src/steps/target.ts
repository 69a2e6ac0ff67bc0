/**
 * Writing the project. Files go to a hidden staging folder beside the target
 * and reach the target only at the very end, so an interrupted run (Ctrl-C
 * during `uv lock`, say) leaves the target exactly as it was.
 */
import fs from 'fs-extra';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { onAbort } from '../cleanup.ts';
import type { PlannedFile } from '../core/plan.ts';
import { TargetError } from '../options/errors.ts';

export interface TargetState {
  dir: string;
  exists: boolean;
  /** Planned files already present with the same content; left untouched. */
  identical: string[];
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** Refuses a non-empty target without --force, and any file we would change even with it. */
export async function inspectTarget(dir: string, files: readonly PlannedFile[], force: boolean): Promise<TargetState> {
  const target = resolve(dir);
  if (!(await fs.pathExists(target))) return { dir: target, exists: false, identical: [] };
  const stat = await fs.stat(target);
  if (!stat.isDirectory()) throw new TargetError(`${dir} exists and is not a directory`);
  const existing = await fs.readdir(target);
  if (existing.length > 0 && !force) {
    throw new TargetError(`${dir} is not empty (${existing.length} entries); use another directory, or --force to add to it`);
  }
  const identical: string[] = [];
  const conflicts: string[] = [];
  for (const file of files) {
    const path = join(target, file.path);
    if (!(await fs.pathExists(path))) continue;
    const current = await fs.readFile(path, 'utf8').catch(() => undefined);
    if (current === file.content) identical.push(file.path);
    else conflicts.push(file.path);
  }
  if (conflicts.length > 0) {
    const shown = conflicts.slice(0, 5).join(', ') + (conflicts.length > 5 ? `, and ${conflicts.length - 5} more` : '');
    throw new TargetError(`--force never overwrites: ${dir} already has different ${shown}`);
  }
  return { dir: target, exists: true, identical };
}

/** Creates missing parents and remembers the topmost one, so an abort removes them again. */
async function ensureParent(dir: string): Promise<void> {
  let top: string | undefined;
  for (let current = dir; !(await fs.pathExists(current)); current = dirname(current)) top = current;
  if (top === undefined) return;
  await fs.mkdirp(dir);
  onAbort(() => fs.rmSync(top, { recursive: true, force: true }));
}

export async function stageFiles(target: TargetState, files: readonly PlannedFile[]): Promise<string> {
  const parent = dirname(target.dir);
  await ensureParent(parent);
  const staging = join(parent, `.${basename(target.dir)}.create-fly-fastapi-${randomBytes(4).toString('hex')}`);
  onAbort(() => fs.rmSync(staging, { recursive: true, force: true }));
  await fs.mkdir(staging);
  for (const file of files) {
    if (target.identical.includes(file.path)) continue;
    await fs.outputFile(join(staging, file.path), file.content);
  }
  return staging;
}

/** Moves the staged project into place: one rename for a new target, file by file otherwise. */
export async function commitStaged(staging: string, target: TargetState): Promise<void> {
  if (!target.exists) {
    await fs.rename(staging, target.dir);
    return;
  }
  const moved: string[] = [];
  const undo = onAbort(() => {
    for (const path of moved) fs.rmSync(path, { force: true });
  });
  for (const path of await listFiles(staging)) {
    const destination = join(target.dir, path);
    if (await fs.pathExists(destination)) throw new TargetError(`${destination} appeared while the project was being written`);
    await fs.mkdirp(dirname(destination));
    await fs.rename(join(staging, path), destination);
    moved.push(destination);
  }
  undo();
  await fs.rm(staging, { recursive: true, force: true });
}
