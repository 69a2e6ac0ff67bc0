/**
 * Writing the project. Files go to a hidden staging folder beside the target
 * and reach the target only at the very end, in one synchronous step, so an
 * interrupted run (Ctrl-C during `uv lock`, say) leaves the target exactly as
 * it was, and a signal can never land halfway through the move.
 *
 * Everything here looks at paths with lstat and never opens what is not a
 * regular file: a symbolic link is not followed out of the target, and a FIFO
 * or a device is never read (reading a FIFO blocks until someone writes).
 */
import { randomBytes } from 'node:crypto';
import {
  type Stats,
  accessSync,
  constants,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Run } from '../run.ts';
import type { PlannedFile } from '../plan/plan.ts';
import { decideAll } from '../reconcile/decide.ts';
import { isNotAFile } from '../reconcile/reconcile.ts';
import { kindOf, readOnDisk, targetFailure } from './applyWrites.ts';
import { TargetError } from '../errors.ts';
import { acquireRunLock, checkRunLock, removeStaleStaging, stagingName } from './runLock.ts';

export interface TargetState {
  /** Absolute; a symbolic link given as the target is resolved to its folder. */
  dir: string;
  exists: boolean;
  /** Planned files already present with the same content; left untouched. */
  identical: string[];
  /** The target as the user would write it, for messages. */
  shown: string;
  /** Set while this run holds the lock beside the target. */
  releaseLock?: () => void;
}

/** A path as the user thinks of it: relative to where they are when it is below, else absolute. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function lstatOrUndefined(path: string): Stats | undefined {
  return lstatSync(path, { throwIfNoEntry: false });
}

/**
 * The nearest existing folder above `path` must be a folder we may write in
 * (following links: these are the user's own folders). Checked here so that
 * --dry-run refuses it as the real run would.
 */
function checkParents(path: string, shownTarget: string): void {
  for (let current = dirname(path); ; current = dirname(current)) {
    let stat: Stats | undefined;
    try {
      stat = statSync(current, { throwIfNoEntry: false });
    } catch (error) {
      throw targetFailure(error, shownPath(current));
    }
    if (stat) {
      if (!stat.isDirectory()) throw new TargetError(`cannot create ${shownTarget}: ${shownPath(current)} is ${kindOf(stat)}, not a folder`);
      try {
        accessSync(current, constants.W_OK | constants.X_OK);
      } catch (error) {
        throw targetFailure(error, shownPath(current));
      }
      return;
    }
    if (dirname(current) === current) return;
  }
}

/**
 * Everything the real run would refuse, checked without writing: a parent that
 * is a file, a dangling link, a non-empty target without --force, any file
 * --force would have to replace, a run already writing there. --dry-run runs it too.
 */
export async function inspectTarget(dir: string, files: readonly PlannedFile[], force: boolean): Promise<TargetState> {
  let target = resolve(dir);
  const shown = dir;
  checkParents(target, shown);
  let stat = lstatOrUndefined(target);
  if (stat?.isSymbolicLink()) {
    const real = statSync(target, { throwIfNoEntry: false });
    if (!real) throw new TargetError(`${shown} is a symbolic link to ${readlinkSync(target)}, which does not exist`);
    target = realpathSync(target);
    stat = real;
  }
  checkRunLock(target, shown);
  if (!stat) return { dir: target, exists: false, identical: [], shown };
  if (!stat.isDirectory()) throw new TargetError(`${shown} exists and is ${kindOf(stat)}, not a folder`);
  let existing: string[];
  try {
    existing = readdirSync(target);
  } catch (error) {
    throw targetFailure(error, shown);
  }
  if (existing.length > 0 && !force) {
    throw new TargetError(`${shown} is not empty (${existing.length} entries); use another directory, or --force to add to it`);
  }
  // The one decide loop, with no record: a planned file already there is identical (left alone) or in the way (refused).
  const planned = new Map(files.map((file) => [file.path, file.content]));
  const decided = decideAll({ paths: planned.keys(), next: (path) => planned.get(path), base: () => undefined, disk: (path) => readOnDisk(target, path), mode: () => 'seed' });
  const identical = decided.files.filter((file) => file.decision.action === 'identical').map((file) => file.path);
  const different: string[] = [];
  const special: string[] = [];
  for (const { path, onDisk } of decided.open) {
    if (isNotAFile(onDisk)) special.push(`${onDisk.at} (${onDisk.kind})`);
    else different.push(path);
  }
  // Every file under a link or a file where app/ should be names the same obstacle once.
  const conflicts = [...new Set([...different, ...special])];
  if (conflicts.length > 0) {
    const list = conflicts.slice(0, 5).join(', ') + (conflicts.length > 5 ? `, and ${conflicts.length - 5} more` : '');
    throw new TargetError(`--force never overwrites: ${shown} already has ${different.length > 0 ? 'different ' : ''}${list}`);
  }
  return { dir: target, exists: true, identical, shown };
}

/** Creates missing parents; an abort removes the ones it made, if nothing else was put in them. */
function ensureParent(dir: string, run: Run): void {
  const created: string[] = [];
  for (let current = dir; !lstatOrUndefined(current); current = dirname(current)) created.push(current);
  if (created.length === 0) return;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw targetFailure(error, shownPath(dirname(created.at(-1)!)));
  }
  run.onAbort(() => {
    for (const path of created) {
      try {
        rmdirSync(path);
      } catch {
        // Not empty any more: someone else's now.
        return;
      }
    }
  });
}

/**
 * Takes the run lock, clears stale leftovers and has `write` fill a new
 * staging folder. Synchronous inside: a signal cannot land between two files
 * and leave a write in flight after the abort removed the folder.
 */
export async function stageFiles(target: TargetState, write: (staging: string) => void, run: Run): Promise<string> {
  const parent = dirname(target.dir);
  const shownParent = shownPath(parent);
  ensureParent(parent, run);
  try {
    target.releaseLock = acquireRunLock(target.dir, target.shown);
    run.onAbort(target.releaseLock);
    removeStaleStaging(parent);
  } catch (error) {
    throw targetFailure(error, shownParent);
  }
  const staging = join(parent, stagingName(target.dir, process.pid, randomBytes(4).toString('hex')));
  run.onAbort(() => rmSync(staging, { recursive: true, force: true, maxRetries: 2 }));
  try {
    mkdirSync(staging);
    // The one writer (applyWrites), given by the caller; synchronous, like everything from here to the move.
    write(staging);
  } catch (error) {
    throw targetFailure(error, shownParent);
  }
  return staging;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** Makes the folders of `path` below `root` that are missing; every existing one must be a real folder. */
function makeFolders(root: string, path: string, created: string[], shownTarget: string): void {
  let current = root;
  for (const part of path.split('/').slice(0, -1)) {
    current = join(current, part);
    const stat = lstatOrUndefined(current);
    if (stat?.isDirectory()) continue;
    if (stat) throw new TargetError(`${shownPath(current)} became ${kindOf(stat)} while ${shownTarget} was being written`);
    mkdirSync(current);
    created.push(current);
  }
}

/**
 * Moves the staged project into place: one rename for a new target, file by
 * file into an existing one, with link() so that a file that appeared
 * meanwhile is never replaced (link fails where rename would overwrite).
 * Synchronous from the cancel check to the bookkeeping, so a signal sees
 * either nothing moved or everything moved.
 */
export function commitStaged(staging: string, target: TargetState, run: Run): void {
  run.throwIfCancelled();
  if (!target.exists) {
    try {
      renameSync(staging, target.dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
        throw new TargetError(`${target.shown} appeared while the project was being written; it was left as it is`);
      }
      throw targetFailure(error, target.shown);
    }
    run.markCommitted(target.dir);
    return;
  }
  const moved: string[] = [];
  const created: string[] = [];
  const undo = run.onAbort(() => {
    for (const path of moved) rmSync(path, { force: true });
    for (const path of created.reverse()) rmdirSync(path);
  });
  for (const path of listFiles(staging)) {
    const destination = join(target.dir, path);
    try {
      makeFolders(target.dir, path, created, target.shown);
      linkSync(join(staging, path), destination);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new TargetError(`${shownPath(destination)} appeared while the project was being written; ${target.shown} was left as it was`);
      }
      throw targetFailure(error, target.shown);
    }
    moved.push(destination);
  }
  undo();
  run.markCommitted(target.dir);
  rmSync(staging, { recursive: true, force: true });
}
