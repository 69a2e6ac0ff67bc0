/**
 * One run of create, update or adopt, as whoever stops it needs to see it:
 * what to undo if it ends early, the tools it started (stopped with it, so
 * none writes after the undo), whether a stop was asked for, and how far it
 * got, so that the last line says what is on disk. A run is an object handed
 * down from the start, never module state: two runs in one process (the API)
 * share nothing.
 */
import { CancelledError } from './errors.ts';

/** How far a run got: what a stop now would leave on disk. */
export type Phase =
  /** Nothing of this run is in the project yet (a create's staging folder does not count). */
  | 'before-write'
  /** Every file is in place; follow-up tools (uv, git) may still be running. */
  | 'written'
  /** flyctl is running: the Fly app it creates may already exist. */
  | 'launching';

interface Child {
  pid?: number;
  /** The child leads a process group of its own, which is stopped whole. */
  group: boolean;
  done: Promise<unknown>;
}

export class Run {
  phase: Phase = 'before-write';
  /** Where the complete project is, once a create has moved it there. */
  committedDir: string | undefined;
  #undo: (() => void)[] = [];
  #children = new Set<Child>();
  #cancelled = false;

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Registers how to undo a side effect; the returned function forgets it once it is no longer to be undone. */
  onAbort(undo: () => void): () => void {
    this.#undo.push(undo);
    return () => {
      const index = this.#undo.indexOf(undo);
      if (index !== -1) this.#undo.splice(index, 1);
    };
  }

  /** Runs every undo, newest first. False when one of them failed, so "nothing was written" would not be true. */
  abortAll(): boolean {
    let clean = true;
    while (this.#undo.length > 0) {
      const undo = this.#undo.pop()!;
      try {
        undo();
      } catch {
        // Best effort: keep undoing the rest.
        clean = false;
      }
    }
    return clean;
  }

  /** The run's writes are final: nothing is to be undone any more. */
  forgetAll(): void {
    this.#undo.length = 0;
  }

  /** A stop was asked for: from now on nothing new is written or moved into place. */
  requestCancel(): void {
    this.#cancelled = true;
  }

  throwIfCancelled(): void {
    if (this.#cancelled) throw new CancelledError();
  }

  /**
   * Lets a signal that arrived during synchronous work be handled, then stops
   * if it asked to. Called right before a run writes: without it a signal
   * waits behind the whole synchronous decide-and-write and is never seen.
   */
  async checkpoint(): Promise<void> {
    await new Promise((done) => setImmediate(done));
    this.throwIfCancelled();
  }

  /** The project is complete in `dir`; called in the same synchronous step as the move. */
  markCommitted(dir: string): void {
    this.committedDir = dir;
    this.phase = 'written';
    this.forgetAll();
  }

  /** A tool this run started. */
  track(child: Child): void {
    this.#children.add(child);
    void child.done.finally(() => this.#children.delete(child));
  }

  /** Kills every running tool's process group and waits (at most `ms`) until they are gone. */
  async stopChildren(ms = 3000): Promise<void> {
    const children = [...this.#children];
    for (const child of children) {
      try {
        if (child.pid) process.kill(child.group && process.platform !== 'win32' ? -child.pid : child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await Promise.race([Promise.allSettled(children.map((child) => child.done)), new Promise((done) => setTimeout(done, ms).unref())]);
  }
}
