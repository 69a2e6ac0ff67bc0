/**
 * Undo actions for an interrupted run. Every side effect registers how to undo
 * itself until the run commits; Ctrl-C (or a failure) runs them synchronously.
 */
const pending: (() => void)[] = [];

export function onAbort(undo: () => void): () => void {
  pending.push(undo);
  return () => {
    const index = pending.indexOf(undo);
    if (index !== -1) pending.splice(index, 1);
  };
}

export function abortAll(): void {
  while (pending.length > 0) {
    const undo = pending.pop()!;
    try {
      undo();
    } catch {
      // Best effort: keep undoing the rest.
    }
  }
}

/** The run succeeded: nothing is to be undone any more. */
export function forgetAll(): void {
  pending.length = 0;
}
