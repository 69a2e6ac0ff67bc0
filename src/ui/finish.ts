/**
 * The end of a run: messages, the next steps, the command that skips the
 * prompts. In a terminal, text is laid out for its width (60 columns is
 * enough); without one, the width is clack's default of 80 and the rerun
 * command stays on one line for logs and scripts.
 */
import * as p from '@clack/prompts';
import { fitCommand, fitStep, wrapText } from './format.ts';
import { columns } from './terminal.ts';

export type Level = 'info' | 'warn' | 'error' | 'success' | 'step' | 'message';

/** clack's log writes one line per `\n` and never wraps; a live terminal gets words wrapped under the symbol. */
export function say(level: Level, text: string, live: boolean): void {
  p.log[level](live ? wrapText(text, columns() - 3).join('\n') : text);
}

/** The note's frame takes six columns: "│  " before the text and "  │" after it. */
const NOTE_FRAME = 6;

export function showNextSteps(steps: readonly string[], rerun: string, live: boolean): void {
  const width = columns() - NOTE_FRAME;
  p.note(steps.flatMap((step) => fitStep(step, width)).join('\n'), 'Next steps');
  const command = live ? fitCommand(rerun, columns() - 3) : [rerun];
  p.log.message(['To skip the prompts next time, run:', ...command].join('\n'));
}
