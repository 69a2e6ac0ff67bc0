/**
 * The one decide loop. Create (`--force` into a folder that has files), update
 * and adopt all come here: every path gets one `reconcileFile` decision from
 * base (what the record says we wrote), disk (what is there now) and new (the
 * plan), and the decisions that need no question become writes for the one
 * writer. What is left open, a conflict or something in the way, each run
 * settles by its own policy: create and adopt refuse, update asks or follows
 * --on-conflict.
 */
import type { FileMode } from '../record/fileModes.ts';
import type { Content } from '../content.ts';
import { reconcileFile, type Base, type Decision, type MergeCheck, type OnDisk } from './reconcile.ts';

/** One change to a project: decided here (or by a run's policy for what is left open), applied by the one writer. */
export type FileWrite =
  | { kind: 'write'; path: string; content: Content; /** Set the executable bits (a kit's script), or clear them. */ executable?: boolean }
  | { kind: 'mode'; path: string; executable: boolean }
  | { kind: 'remove'; path: string };

/** What the loop needs to know of each path. */
export interface DecideInput {
  /** Every path to decide: the plan's, and for an update the record's as well. */
  paths: Iterable<string>;
  next: (path: string) => Content | undefined;
  base: (path: string) => Base | undefined;
  disk: (path: string) => OnDisk;
  mode: (path: string) => FileMode;
  check?: (path: string) => MergeCheck | undefined;
}

export interface Decided {
  path: string;
  decision: Decision;
  onDisk: OnDisk;
  next: Content | undefined;
}

export interface Decisions {
  /** Every path's decision, sorted by path; a path that is gone everywhere is left out. */
  files: Decided[];
  /** The writes the decisions make by themselves: create, update, merge, remove. */
  writes: FileWrite[];
  /** What a run's policy settles: a conflict, or something in the way. */
  open: Decided[];
}

export function decideAll(input: DecideInput): Decisions {
  const out: Decisions = { files: [], writes: [], open: [] };
  for (const path of [...new Set(input.paths)].sort()) {
    const onDisk = input.disk(path);
    const next = input.next(path);
    const decision = reconcileFile(input.base(path), onDisk, next, input.mode(path), input.check?.(path));
    if (decision.action === 'gone') continue;
    const decided = { path, decision, onDisk, next };
    out.files.push(decided);
    if (decision.write !== undefined) out.writes.push({ kind: 'write', path, content: decision.write });
    if (decision.action === 'remove') out.writes.push({ kind: 'remove', path });
    if (decision.action === 'conflict' || decision.action === 'in-the-way') out.open.push(decided);
  }
  return out;
}
