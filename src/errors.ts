/** Exit codes are part of the interface: scripts branch on them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  targetNotEmpty: 3,
  followUpFailed: 4,
  /** An update left conflicts (the files are untouched; see the report). */
  conflicts: 5,
  /** An update refused to run: a newer record, a downgrade, a kit out of range, uncommitted changes. */
  refused: 6,
  /** --check: an update would change something. */
  wouldChange: 7,
  /** --adopt: the project cannot be adopted as it is (the message says why and what to do). */
  adoptRefused: 8,
  cancelled: 130,
} as const;

/** Bad or missing command-line input. The message is one line and names the flag. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The target holds files we would overwrite, or is not empty without --force. */
export class TargetError extends Error {
  readonly exitCode = EXIT.targetNotEmpty;
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** The user pressed Ctrl-C or chose to cancel. */
export class CancelledError extends Error {
  readonly exitCode = EXIT.cancelled;
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** An update that must not run; nothing was written. */
export class RefusedError extends Error {
  readonly exitCode = EXIT.refused;
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

/** --adopt cannot take this project as it is; nothing was written. */
export class AdoptRefusal extends Error {
  readonly exitCode = EXIT.adoptRefused;
  constructor(message: string) {
    super(message);
    this.name = 'AdoptRefusal';
  }
}
