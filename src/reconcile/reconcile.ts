/**
 * The one decision step: for each file, what we last wrote (base), what is on
 * disk (yours) and what we would write now (new) give one decision. Create,
 * `--force` and `--update` all come here; only the writer acts on the result.
 *
 *   yours = new            identical      nothing to do
 *   yours = base           update         write new
 *   new = base             keep           your edit stays
 *   all three differ       merge          diff3, if it is clean (and still parses)
 *                          conflict       otherwise; never written over
 *   no yours, a base       deleted-by-you stays deleted
 *   no base, no yours      create
 *   no base, yours differs in-the-way     a conflict: we never wrote that file
 *   no new, yours = base   remove         it left the plan, you never changed it
 *   no new, yours changed  keep           it left the plan, but it is yours now
 *
 * Seed files are merged never: once you changed one it is yours. A base
 * without text (a format 1 record) cannot tell your edit from our change, so
 * a managed file that differs from new is a conflict.
 */
import { parse } from 'smol-toml';
import { merge3, twoWayMarkers } from './diff3.ts';
import type { FileMode } from '../record/fileModes.ts';
import type { FlyConfig } from '../plan/flyToml.ts';
import { checkInvariants, checkServing } from '../plan/invariants.ts';
import { contentHash, isBytes, sameContent, sameText, textHash, withEolOf, type Content } from '../content.ts';

/** What the record says we last wrote: a hash for every file, the text for managed text files. */
export interface Base {
  sha256?: string;
  text?: string;
  /** We wrote bytes, not text. */
  binary?: boolean;
}

export type Action = 'create' | 'identical' | 'update' | 'keep' | 'merge' | 'conflict' | 'deleted-by-you' | 'remove' | 'in-the-way' | 'gone';

export interface Decision {
  action: Action;
  /** What to write at the path (create, update, merge): text with line endings as yours, or bytes. */
  write?: Content;
  /** Why it is kept or a conflict, in a few words. */
  reason?: string;
  /** For a conflict: the file with both versions between markers (--on-conflict markers). */
  markers?: string;
}

/** Whether a merged text is still usable; returns a one-line problem. */
export type MergeCheck = (merged: string) => string | undefined;

function matchesBase(base: Base, disk: Content): boolean {
  if (base.text !== undefined && !isBytes(disk)) return sameText(base.text, disk);
  return base.sha256 !== undefined && base.sha256 === contentHash(disk);
}

/**
 * What is at a path on disk: its text, nothing, or something that is not a
 * regular file (never read): `at` is the part of the path where it is found
 * (a folder on the way may be a link or a file), `kind` says what it is.
 */
export type OnDisk = Content | undefined | { notAFile: true; at: string; kind: string };

/** Something that is not a regular file: a link, a folder, a FIFO. */
export function isNotAFile(disk: OnDisk): disk is { notAFile: true; at: string; kind: string } {
  return typeof disk === 'object' && !isBytes(disk);
}

/**
 * Bytes on any side (ours, yours or the base): the same table, decided by
 * hash, with no merge: both sides changed is a conflict, settled with a
 * `.new` file, never with markers.
 */
function reconcileBytes(base: Base | undefined, disk: Content | undefined, next: Content | undefined, mode: FileMode): Decision {
  if (next === undefined) {
    if (base === undefined || disk === undefined) return { action: 'gone' };
    return matchesBase(base, disk) ? { action: 'remove' } : { action: 'keep', reason: 'no longer generated; changed by you, so kept' };
  }
  if (base === undefined) {
    if (disk === undefined) return { action: 'create', write: next };
    return sameContent(disk, next) ? { action: 'identical' } : { action: 'in-the-way', reason: 'a file of yours is where this one goes (not text: never merged)' };
  }
  if (disk === undefined) return { action: 'deleted-by-you' };
  if (sameContent(disk, next)) return { action: 'identical' };
  if (matchesBase(base, disk)) return { action: 'update', write: next };
  if (base.sha256 !== undefined && base.sha256 === contentHash(next)) return { action: 'keep', reason: 'changed by you; nothing new from us' };
  if (mode === 'seed') return { action: 'keep', reason: 'changed by you; seed files are yours' };
  return { action: 'conflict', reason: 'changed by you and by us, and not text (binary, or not UTF-8): never merged' };
}

export function reconcileFile(base: Base | undefined, disk: OnDisk, next: Content | undefined, mode: FileMode, check?: MergeCheck): Decision {
  if (isNotAFile(disk)) {
    return next === undefined ? { action: 'gone' } : { action: 'in-the-way', reason: 'something that is not a file is where this one goes', ...(!isBytes(next) && { markers: next }) };
  }
  if (isBytes(next) || isBytes(disk) || base?.binary) return reconcileBytes(base, disk, next, mode);
  if (next === undefined) {
    if (base === undefined || disk === undefined) return { action: 'gone' };
    return matchesBase(base, disk) ? { action: 'remove' } : { action: 'keep', reason: 'no longer generated; changed by you, so kept' };
  }
  if (base === undefined) {
    if (disk === undefined) return { action: 'create', write: next };
    if (sameText(disk, next)) return { action: 'identical' };
    return { action: 'in-the-way', reason: 'a file of yours is where this one goes', markers: twoWayMarkers(disk, next) };
  }
  if (disk === undefined) return { action: 'deleted-by-you' };
  if (sameText(disk, next)) return { action: 'identical' };
  if (matchesBase(base, disk)) return { action: 'update', write: withEolOf(next, disk) };
  if (mode === 'seed') {
    if (base.sha256 === undefined && base.text === undefined) {
      return { action: 'keep', reason: 'differs from the new text, and a format 1 record cannot tell whether you changed it; seed files are yours' };
    }
    // Said plainly: the new options would have changed this file, and that change is not made for you.
    const oursChanged = base.sha256 !== textHash(next);
    return { action: 'keep', reason: oursChanged ? 'changed by you, so what the new options change in it is not written (seed files are yours)' : 'changed by you; seed files are yours' };
  }
  if (base.text === undefined) {
    return { action: 'conflict', reason: 'the record has no earlier text to merge with (format 1)', markers: withEolOf(twoWayMarkers(disk, next), disk) };
  }
  if (sameText(next, base.text)) return { action: 'keep', reason: 'changed by you; nothing new from us' };
  const merged = merge3(base.text, disk, next);
  if (merged.conflicts > 0) {
    return { action: 'conflict', reason: `${merged.conflicts} edit${merged.conflicts > 1 ? 's' : ''} of yours and ours touch the same lines`, markers: withEolOf(merged.text, disk) };
  }
  const problem = check?.(merged.text);
  if (problem) return { action: 'conflict', reason: `the merge would not work: ${problem}`, markers: withEolOf(twoWayMarkers(disk, next), disk) };
  return { action: 'merge', write: withEolOf(merged.text, disk) };
}

/**
 * A merged TOML file must parse; a merged fly.toml must also keep our
 * invariants with the rest of the new files (the port, the release command).
 */
export function mergeCheck(path: string, files: ReadonlyMap<string, string>, project: 'generated' | 'adopted' = 'generated'): MergeCheck | undefined {
  if (!path.endsWith('.toml')) return undefined;
  return (merged) => {
    let data: unknown;
    try {
      data = parse(merged);
    } catch (error) {
      return `${path} would not parse (${(error as Error).message.split('\n')[0]})`;
    }
    if (path !== 'fly.toml') return undefined;
    try {
      // An adopted project's files are its own: only what ours must agree on (the port, the checks) is ours to check.
      if (project === 'adopted') checkServing(files.get('Dockerfile') ?? files.get('Dockerfile.new') ?? '', data as unknown as FlyConfig, [], (shown) => shown);
      else checkInvariants(new Map([...files, [path, merged]]), data as unknown as FlyConfig, (shown) => shown);
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  };
}
