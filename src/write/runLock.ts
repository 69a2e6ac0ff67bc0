/**
 * One run per target at a time, and the leftovers of runs that were killed.
 *
 * The lock is a file created with O_EXCL in the target's parent, beside the
 * staging folder: the parent is the one folder that exists before the run
 * writes anything (the target itself must not exist yet, so the finished
 * project can be renamed into place in one step). The file holds the owner's
 * pid, so a lock or a staging folder whose owner is dead (SIGKILL, power loss)
 * is recognised as stale and removed by the next run.
 */
import { linkSync, lstatSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TargetError } from '../errors.ts';
import { finishInterrupted } from './applyWrites.ts';
import { NAME_MAX_BYTES } from '../options/rules.ts';

export const STAGING_MARK = '.create-fly-fastapi-';
/** Staging folders, and lock files being written (`<lock>-<pid>`), each with its owner's pid. */
const OWNED_NAME = /^\..*\.create-fly-fastapi(?:-|\.lock-)(\d+)(?:-[0-9a-f]+)?$/s;
const LOCK_SUFFIX = '.create-fly-fastapi.lock';

/** `name` cut to at most `bytes` bytes of UTF-8, never in the middle of a character. */
function cutToBytes(name: string, bytes: number): string {
  let cut = name;
  while (Buffer.byteLength(cut) > bytes) cut = Array.from(cut).slice(0, -1).join('');
  return cut;
}

/** A hidden name beside the target that always fits NAME_MAX, whatever the target's length. */
function besideTarget(target: string, suffix: string): string {
  const room = NAME_MAX_BYTES - 1 - Buffer.byteLength(suffix);
  return `.${cutToBytes(basename(target), room)}${suffix}`;
}

export function stagingName(target: string, pid: number, random: string): string {
  return besideTarget(target, `${STAGING_MARK}${pid}-${random}`);
}

export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The owner of a lock file, or undefined when there is none or it is stale. */
function liveOwner(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  // The lock appears with its pid in it (see acquireRunLock): no empty lock to guess about.
  const pid = Number(text.trim());
  return isAlive(pid) ? pid : undefined;
}

function busy(shownTarget: string, pid: number): TargetError {
  const who = pid > 0 ? ` (pid ${pid})` : '';
  return new TargetError(`another create-fly-fastapi run${who} is writing ${shownTarget}; try again when it has finished`);
}

/** For --dry-run: would the real run find the target locked? */
export function checkRunLock(target: string, shownTarget: string): void {
  const owner = liveOwner(join(target, '..', besideTarget(target, LOCK_SUFFIX)));
  if (owner !== undefined && owner !== process.pid) throw busy(shownTarget, owner);
}

/**
 * Takes the lock or throws a TargetError naming the run that holds it. The
 * lock is released when the process exits, however it exits short of SIGKILL,
 * or earlier by the function returned (an abort, before removing the parents;
 * or the end of a run, so a long-lived caller of the API can run again).
 */
export function acquireRunLock(target: string, shownTarget: string): () => void {
  return lockAt(join(target, '..', besideTarget(target, LOCK_SUFFIX)), join(target, '..', besideTarget(target, `${LOCK_SUFFIX}-${process.pid}`)), shownTarget);
}

/** The lock of a project that exists (an update, an adoption): a file in the project itself, so nothing outside it is touched. */
export const PROJECT_LOCK = '.create-fly-fastapi.lock';

export function acquireProjectLock(dir: string, shown: string): () => void {
  return lockAt(join(dir, PROJECT_LOCK), join(dir, `${PROJECT_LOCK}-${process.pid}`), shown);
}

/** For --dry-run and --check: would the real run find the project locked? */
export function checkProjectLock(dir: string, shown: string): void {
  const owner = liveOwner(join(dir, PROJECT_LOCK));
  if (owner !== undefined && owner !== process.pid) throw busy(shown, owner);
}

function lockAt(path: string, draft: string, shownTarget: string): () => void {
  // Written under a name of our own, then linked into place: link fails if the lock
  // exists (like O_EXCL), and the lock is never seen without its pid.
  writeFileSync(draft, String(process.pid));
  try {
    takeLock(draft, path, shownTarget);
  } finally {
    rmSync(draft, { force: true });
  }
  const release = () => {
    process.off('exit', release);
    try {
      if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
  process.once('exit', release);
  return release;
}

function takeLock(draft: string, path: string, shownTarget: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      linkSync(draft, path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = liveOwner(path);
      if (owner !== undefined) throw busy(shownTarget, owner);
      // Stale: its owner is dead. Two runs may both see that; one of them then loses at linkSync.
      rmSync(path, { force: true });
    }
  }
  throw busy(shownTarget, -1);
}

/** Removes staging folders and lock files beside the target whose run is dead (killed with SIGKILL, say). */
export function removeStaleStaging(parent: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (name.startsWith('.') && name.endsWith(LOCK_SUFFIX)) {
      const path = join(parent, name);
      if (liveOwner(path) === undefined) {
        rmSync(path, { force: true });
        removed.push(name);
      }
      continue;
    }
    const match = OWNED_NAME.exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    rmSync(join(parent, name), { recursive: true, force: true, maxRetries: 2 });
    removed.push(name);
  }
  return removed;
}

/** A temporary file of the writer (`<name>.create-fly-fastapi-<pid>`) or a lock draft, with its owner's pid. */
const LEFTOVER = /^.*(?:\.create-fly-fastapi-|\.create-fly-fastapi\.lock-|\.create-fly-fastapi\.journal-)(\d+)$/s;

/**
 * Removes what killed runs left inside a project: the writer's temporary
 * files in the folders of `paths` (and the project's own), whose names carry
 * their owner's pid, and a lock whose owner is dead. Returns what went.
 */
export function removeLeftovers(dir: string, paths: Iterable<string>): string[] {
  const folders = new Set([dir]);
  for (const path of paths) {
    const parts = path.split('/').slice(0, -1);
    for (let index = 1; index <= parts.length; index++) folders.add(join(dir, ...parts.slice(0, index)));
  }
  const removed: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(folder, name);
      const match = LEFTOVER.exec(name);
      const staleLock = name === PROJECT_LOCK && liveOwner(path) === undefined;
      if (!staleLock && (!match || isAlive(Number(match[1])))) continue;
      if (!lstatSync(path).isFile()) continue;
      rmSync(path, { force: true });
      removed.push(path.slice(dir.length + 1));
    }
  }
  return removed;
}

/**
 * A project as a killed run left it, made whole before this run reads it:
 * under the project's lock, a run that had committed (its journal) is
 * finished, and every other temporary file of a dead run is removed. Returns
 * the paths finished and removed; nothing to do costs one readdir.
 */
export function recoverProject(dir: string, shown: string, paths: Iterable<string> = []): string[] {
  const all = [...paths, '.create-fly-fastapi/manifest.json', '.github/workflows/x', 'Dockerfile'];
  const names = (() => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  })();
  if (!names.some((name) => name.includes('.create-fly-fastapi.journal-') || name === PROJECT_LOCK) && !hasLeftovers(dir, all)) return [];
  const release = acquireProjectLock(dir, shown);
  try {
    return [...finishInterrupted(dir, (pid) => !isAlive(pid)), ...removeLeftovers(dir, all)];
  } finally {
    release();
  }
}

function hasLeftovers(dir: string, paths: readonly string[]): boolean {
  const folders = new Set([dir, ...paths.map((path) => join(dir, path, '..'))]);
  for (const folder of folders) {
    try {
      if (readdirSync(folder).some((name) => LEFTOVER.test(name))) return true;
    } catch {
      // No such folder.
    }
  }
  return false;
}