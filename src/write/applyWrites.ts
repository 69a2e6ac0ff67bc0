/**
 * `applyWrites`, the one writer of files, and `readOnDisk`, the one reader of
 * a project file. A create has the writer fill a staging folder that replaces
 * the target only at the end; an update, an adoption and the fly.toml put back
 * after `fly launch` have it apply their decisions in the project. Every run
 * that writes a project (the CLI, `create()`, `update()`, `adopt()`) goes
 * through here.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TargetError } from '../errors.ts';
import type { FileWrite } from '../reconcile/decide.ts';
import type { OnDisk } from '../reconcile/reconcile.ts';

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
  return readFileSync(current, 'utf8');
}

/** Every folder from the project root to `path` must be a real folder (a link would lead out of the project). */
function checkFolders(dir: string, path: string): void {
  let current = dir;
  for (const part of path.split('/').slice(0, -1)) {
    current = join(current, part);
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) throw new TargetError(`${path}: ${current} is not a folder; nothing was written`);
  }
  const stat = lstatSync(join(dir, path), { throwIfNoEntry: false });
  if (stat && !stat.isFile()) throw new TargetError(`${path}: not a regular file; nothing was written`);
}

/**
 * The one writer (a create's staging folder, an update, an adoption): every
 * decision was made before, so this only acts. It checks every path first (nothing is written if one is in the way),
 * then writes each file to a temporary name beside it and renames it into
 * place, so a file is never half written; synchronous, so a signal lands
 * before the first write or after the last.
 */
export function applyWrites(dir: string, writes: readonly FileWrite[]): void {
  for (const change of writes) checkFolders(dir, change.path);
  for (const change of writes) {
    const path = join(dir, change.path);
    if (change.kind === 'remove') {
      rmSync(path, { force: true });
      // Folders the removal emptied go too (app/platform/ when Postgres is switched off).
      for (let folder = dirname(path); folder.length > dir.length; folder = dirname(folder)) {
        try {
          rmdirSync(folder);
        } catch {
          break;
        }
      }
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    if (change.backup && existsSync(path)) copyFileSync(path, `${path}.bak`);
    const temporary = `${path}.create-fly-fastapi-${process.pid}`;
    writeFileSync(temporary, change.content);
    renameSync(temporary, path);
  }
}
