/**
 * The state of a run that a signal handler needs, and the undo actions of an
 * interrupted run. Every side effect registers how to undo itself until the
 * project is in place; Ctrl-C (or a failure) runs them synchronously.
 */
import { CancelledError } from './errors.ts';

const pending: (() => void)[] = [];
let cancelled = false;
let committed: string | undefined;

export function onAbort(undo: () => void): () => void {
  pending.push(undo);
  return () => {
    const index = pending.indexOf(undo);
    if (index !== -1) pending.splice(index, 1);
  };
}

/** Runs every undo, newest first. False when one of them failed, so "nothing was written" would not be true. */
export function abortAll(): boolean {
  let clean = true;
  while (pending.length > 0) {
    const undo = pending.pop()!;
    try {
      undo();
    } catch {
      // Best effort: keep undoing the rest.
      clean = false;
    }
  }
  return clean;
}

/** The run succeeded: nothing is to be undone any more. */
export function forgetAll(): void {
  pending.length = 0;
}

/** A signal arrived: from now on nothing new is moved into place. */
export function requestCancel(): void {
  cancelled = true;
}

export function throwIfCancelled(): void {
  if (cancelled) throw new CancelledError();
}

/** The project is complete in `dir`; called in the same synchronous step as the move. */
export function markCommitted(dir: string): void {
  committed = dir;
  forgetAll();
}

/** Where the complete project is, once it is there. */
export function committedDir(): string | undefined {
  return committed;
}
