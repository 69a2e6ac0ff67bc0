/**
 * The conflict prompt of an interactive update, one file at a time. Keep mine
 * is the default: Enter never overwrites. Nothing is written until every
 * conflict has its answer, so Ctrl-C here leaves the project as it was.
 */
import * as p from '@clack/prompts';
import { showDiff } from '../reconcile/diff3.ts';
import { CancelledError } from '../errors.ts';
import type { OnConflict } from '../options/runFlags.ts';
import type { Conflict } from '../runs/update.ts';

export async function askConflict(conflict: Conflict): Promise<OnConflict> {
  for (;;) {
    const choice = await p.select({
      message: `${conflict.path}: ${conflict.reason}. What should happen to it?`,
      initialValue: 'keep',
      options: [
        { value: 'keep', label: 'Keep mine', hint: 'the file stays as it is' },
        { value: 'overwrite', label: 'Take the new one', hint: `yours is kept as ${conflict.path}.bak` },
        { value: 'new-file', label: `Write ${conflict.path}.new beside it`, hint: 'merge by hand later' },
        { value: 'diff', label: 'Show the difference', hint: 'yours against the new one' },
      ],
    });
    if (p.isCancel(choice)) throw new CancelledError();
    if (choice !== 'diff') return choice as OnConflict;
    p.note(showDiff(conflict.yours, conflict.next, [`${conflict.path} (yours)`, `${conflict.path} (new)`]), conflict.path);
  }
}
