/**
 * How a command-line run ends, the same for create, update and adopt. The
 * run's work is a promise of an exit code; a signal (SIGINT, SIGTERM, SIGHUP),
 * a cancelled prompt or a tool killed by the Ctrl-C all end it the one way:
 * nothing new is written or moved into place, the tools the run started are
 * killed and waited for (so none writes after the undo), the undo runs, and
 * one line says what is on disk. Which line, each command says from the
 * run's phase; a second stop while this runs changes nothing.
 */
import { constants } from 'node:os';
import { CancelledError, EXIT } from '../errors.ts';
import type { Run } from '../run.ts';

export interface Ending {
  /** The last line of a run stopped early; `clean`: every undo worked. */
  stoppedLine(run: Run, clean: boolean): string;
  /** Shows that line (a live terminal closes its task first). */
  showStop(line: string): void;
  /** Called before a failure's one line: a live task is closed first. */
  beforeFailure?(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function endRun(run: Run, work: Promise<number>, ending: Ending): void {
  let stopping = false;

  const stop = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    run.requestCancel();
    try {
      await run.stopChildren();
      ending.showStop(ending.stoppedLine(run, run.abortAll()));
    } finally {
      process.exit(exitCode);
    }
  };

  for (const signal of SIGNALS) {
    // The bin's own handler (a stop before any run) gives way to the run's.
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal === 'SIGINT' ? EXIT.cancelled : 128 + constants.signals[signal]));
  }

  work.then(
    (code) => {
      // A stop under way has its own line and code to give.
      if (!stopping) process.exit(code);
    },
    (error: unknown) => {
      const exitCode = (error as { exitCode?: number }).exitCode ?? EXIT.failure;
      if (error instanceof CancelledError) return void stop(exitCode);
      // A failure during a stop is the stop's doing: its own line is on the way.
      if (stopping) return;
      ending.beforeFailure?.();
      process.stderr.write(`create-fly-fastapi: ${(error as Error).message}\n`);
      process.exit(exitCode);
    },
  );
}
