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

/**
 * clack's log writes one line per `\n` and never wraps. In a live terminal,
 * prose wraps under the symbol, and an indented line is a command: it breaks
 * only between arguments, so it can still be copied.
 */
export function say(level: Level, text: string, live: boolean): void {
  if (!live) return void p.log[level](text);
  const width = columns() - 3;
  const lines = text.split('\n').flatMap((line) => {
    const indent = /^ */.exec(line)![0];
    return indent ? fitCommand(line.slice(indent.length), width - indent.length).map((part) => indent + part) : wrapText(line, width);
  });
  p.log[level](lines.join('\n'));
}

/** The note's frame takes six columns: "│  " before the text and "  │" after it. */
const NOTE_FRAME = 6;

export function showNextSteps(steps: readonly string[], rerun: string, live: boolean): void {
  const width = columns() - NOTE_FRAME;
  p.note(steps.flatMap((step) => fitStep(step, width)).join('\n'), 'Next steps');
  const command = live ? fitCommand(rerun, columns() - 3) : [rerun];
  p.log.message(['To skip the prompts next time, run:', ...command].join('\n'));
}
