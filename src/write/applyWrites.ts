/**
 * `applyWrites`, the one writer of files, and `readOnDisk`, the one reader of
 * a project file. A create has the writer fill a staging folder that replaces
 * the target only at the end; an update, an adoption and the fly.toml put back
 * after `fly launch` have it apply their decisions in the project. Every run
 * that writes a project (the CLI, `create()`, `update()`, `adopt()`) goes
 * through here.
 */
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TargetError } from '../errors.ts';
import { projectPathProblem } from '../options/rules.ts';
import type { FileWrite } from '../reconcile/decide.ts';
import type { OnDisk } from '../reconcile/reconcile.ts';
import { contentOf } from '../content.ts';

export type { FileWrite } from '../reconcile/decide.ts';

/** The part of fs.Stats that tells what a thing is. */
interface Kind {
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

/** What a non-file is, for messages. */
export function kindOf(stat: Kind): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'a file';
}

/**
 * The project's text at a path. Looked at with lstat, part by part: a folder
 * on the way that is a link or a file, or anything but a regular file at the
 * path, is returned as such, never read or followed (a link would lead out of
 * the project; reading a FIFO blocks).
 */
export function readOnDisk(dir: string, path: string): OnDisk {
  const parts = path.split('/');
  let current = dir;
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (!stat) return undefined;
    const at = parts.slice(0, index + 1).join('/');
    if (index < parts.length - 1) {
      if (!stat.isDirectory()) return { notAFile: true, at, kind: `${kindOf(stat)} where the project needs a folder` };
      continue;
    }
    if (!stat.isFile()) return { notAFile: true, at, kind: kindOf(stat) };
  }
  // Text when it is text (UTF-8, no NUL early on), else the bytes: nothing is decoded that is not text.
  return contentOf(readFileSync(current));
}

/** Whether the file at `path` has its owner's executable bit set; undefined when there is no regular file. */
export function executableOnDisk(dir: string, path: string): boolean | undefined {
  const stat = lstatSync(join(dir, path), { throwIfNoEntry: false });
  return stat?.isFile() ? (stat.mode & 0o100) !== 0 : undefined;
}

const SYSTEM_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied (an immutable file?)',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'a name in the path is too long',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'a folder is where a file goes',
  ELOOP: 'too many symbolic links in the path',
  EMLINK: 'too many links',
  EBUSY: 'the file is busy',
  EEXIST: 'a file appeared there meanwhile',
};

/** A system error while writing, as one line in the user's terms (exit 3), naming their path. */
export function targetFailure(error: unknown, shownWhere: string, after = ''): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code && SYSTEM_REASONS[code];
  return reason ? new TargetError(`cannot write in ${shownWhere}: ${reason}${after}`) : (error as Error);
}

/** What a temporary file of this process is called beside `path`; the pid says whose it is. */
export const TEMP_MARK = '.create-fly-fastapi-';
const tempPath = (path: string) => `${path}${TEMP_MARK}${process.pid}`;

/** The record goes last: a run stopped between two renames leaves a record that still describes the files before it. */
const RECORD_FOLDER = '.create-fly-fastapi/';

/** Every path is checked before the first write: inside the project by its spelling, and every folder on the way a real folder. */
function checkPath(dir: string, path: string): void {
  const problem = projectPathProblem(path);
  if (problem) throw new TargetError(`${JSON.stringify(path)} ${problem}; nothing was written`);
  let current = dir;
  for (const part of path.split('/').slice(0, -1)) {
    current = join(current, part);
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) throw new TargetError(`${path}: ${current} is not a folder; nothing was written`);
  }
  const stat = lstatSync(join(dir, path), { throwIfNoEntry: false });
  if (stat && !stat.isFile()) throw new TargetError(`${path}: not a regular file; nothing was written`);
}

/** `mode` with the executable bits set where it is readable (0644 -> 0755), or cleared. */
function withExecutable(mode: number, executable: boolean): number {
  const bits = mode & 0o7777;
  return executable ? bits | ((bits & 0o444) >> 2) : bits & ~0o111;
}

/** Makes the missing folders of `path`, noting each so a failure can take it away again. */
function makeFolders(dir: string, path: string, made: string[]): void {
  let current = dir;
  for (const part of path.split('/').slice(0, -1)) {
    current = join(current, part);
    if (lstatSync(current, { throwIfNoEntry: false })) continue;
    mkdirSync(current);
    made.push(current);
  }
}

function removeQuietly(paths: readonly string[]): void {
  for (const path of paths) rmSync(path, { force: true });
}

function removeFolders(folders: readonly string[]): void {
  for (const folder of [...folders].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      // Not empty: something else is in it now.
    }
  }
}

/**
 * The one writer (a create's staging folder, an update, an adoption, fly.toml
 * after `fly launch`): every decision was made before, so this only acts, as
 * one transaction.
 * 1. Every path is checked; nothing is written if one is refused.
 * 2. Every new text is written to a temporary name beside its file. A failure
 *    here (a full disk) removes them all: nothing changed.
 * 3. Each temporary file is renamed into place and each removal made, the
 *    record last, keeping what each replaced; a failure (an immutable file)
 *    puts every replaced file back and removes what was new.
 * A file is never half written. Synchronous, so a signal lands before the
 * first rename or after the last; after a SIGKILL in between, the temporary
 * files name their dead owner and the next run removes them.
 */
export function applyWrites(dir: string, writes: readonly FileWrite[], settings: { journal?: boolean } = {}): void {
  for (const change of writes) checkPath(dir, change.path);
  const ordered = [...writes.filter((change) => !change.path.startsWith(RECORD_FOLDER)), ...writes.filter((change) => change.path.startsWith(RECORD_FOLDER))];

  const made: string[] = [];
  const temps: string[] = [];
  for (const change of ordered) {
    if (change.kind !== 'write') continue;
    try {
      makeFolders(dir, change.path, made);
      const temp = tempPath(join(dir, change.path));
      temps.push(temp);
      writeFileSync(temp, change.content);
      // A kit's script keeps its executable bit; a file written anew otherwise gets the umask's usual bits.
      if (change.executable !== undefined) chmodSync(temp, withExecutable(statSync(temp).mode, change.executable));
    } catch (error) {
      removeQuietly(temps);
      removeFolders(made);
      throw targetFailure(error, change.path, '; nothing was changed');
    }
  }

  // The commit point: every new text is on disk. A run killed after this is finished by the next (finishInterrupted).
  const journal = settings.journal ? writeJournal(dir, ordered) : undefined;
  const done: { path: string; before: Buffer | undefined; mode?: number }[] = [];
  for (const change of ordered) {
    const path = join(dir, change.path);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    const before = stat?.isFile() ? readFileSync(path) : undefined;
    try {
      if (change.kind === 'remove') rmSync(path, { force: true });
      else if (change.kind === 'mode') chmodSync(path, withExecutable(stat!.mode, change.executable));
      else renameSync(tempPath(path), path);
      done.push({ path, before, mode: stat?.mode });
    } catch (error) {
      const restored = rollBack(done);
      removeQuietly([...temps, ...(journal ? [journal] : [])]);
      removeFolders(made);
      throw targetFailure(error, change.path, restored ? '; nothing was changed' : '; some files could not be put back (see git status)');
    }
  }

  removeEmptied(dir, ordered);
  if (journal) rmSync(journal, { force: true });
}

/** Folders the removals emptied go too (app/platform/ when Postgres is switched off), never the project itself. */
function removeEmptied(dir: string, changes: readonly FileWrite[]): void {
  for (const change of changes) {
    if (change.kind !== 'remove') continue;
    for (let folder = dirname(join(dir, change.path)); folder.length > dir.length; folder = dirname(folder)) {
      try {
        rmdirSync(folder);
      } catch {
        break;
      }
    }
  }
}

/** The journal of a run's renames: `<project>/.create-fly-fastapi.journal-<pid>`, the list of changes in order. */
const JOURNAL = /^\.create-fly-fastapi\.journal-(\d+)$/;

function writeJournal(dir: string, changes: readonly FileWrite[]): string {
  const path = join(dir, `.create-fly-fastapi.journal-${process.pid}`);
  writeFileSync(tempPath(path), JSON.stringify(changes.map((change) => ({ kind: change.kind, path: change.path, ...(change.kind === 'mode' && { executable: change.executable }) }))));
  renameSync(tempPath(path), path);
  return path;
}

/**
 * Finishes what a run killed between two renames (SIGKILL, a power cut after
 * the data reached the disk) had committed to: its journal lists every change,
 * and each new text still waiting under its temporary name is renamed into
 * place, the record last, as that run would have. `isDead(pid)` says whose
 * run is over. Called with the project's lock held, before anything is read.
 * Returns the paths it finished.
 */
export function finishInterrupted(dir: string, isDead: (pid: number) => boolean): string[] {
  const finished: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return finished;
  }
  for (const name of names) {
    const match = JOURNAL.exec(name);
    if (!match || !isDead(Number(match[1]))) continue;
    const journal = join(dir, name);
    let changes: FileWrite[] = [];
    try {
      const listed: unknown = JSON.parse(readFileSync(journal, 'utf8'));
      if (Array.isArray(listed)) changes = listed.filter((entry): entry is FileWrite => ['write', 'remove', 'mode'].includes(entry?.kind) && projectPathProblem(entry.path) === undefined);
    } catch {
      // Unreadable: nothing can be finished from it; the temporary files go as leftovers.
    }
    for (const change of changes) {
      const path = join(dir, change.path);
      try {
        // A journal is a file in the project like any other: its paths get the writer's own checks.
        checkPath(dir, change.path);
      } catch {
        continue;
      }
      if (change.kind === 'remove') {
        rmSync(path, { force: true });
        finished.push(change.path);
        continue;
      }
      if (change.kind === 'mode') {
        const stat = lstatSync(path, { throwIfNoEntry: false });
        if (stat?.isFile()) chmodSync(path, withExecutable(stat.mode, change.executable === true));
        continue;
      }
      const temp = `${path}${TEMP_MARK}${match[1]}`;
      if (lstatSync(temp, { throwIfNoEntry: false })?.isFile()) {
        renameSync(temp, path);
        finished.push(change.path);
      }
    }
    removeEmptied(dir, changes);
    rmSync(journal, { force: true });
  }
  return finished;
}

/** Puts back what the renames and removals replaced, newest first. False when one could not be. */
function rollBack(done: readonly { path: string; before: Buffer | undefined; mode?: number }[]): boolean {
  let clean = true;
  for (const { path, before, mode } of [...done].reverse()) {
    try {
      if (before === undefined) rmSync(path, { force: true });
      else {
        writeFileSync(path, before);
        if (mode !== undefined) chmodSync(path, mode & 0o7777);
      }
    } catch {
      clean = false;
    }
  }
  return clean;
}
