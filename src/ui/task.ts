/**
 * A long step (writing, `uv lock`, `git init`, `fly launch`) on screen.
 *
 * Live, in a terminal: an animated line with the tool's latest output under
 * it, redrawn in place and replaced by one line when the step ends. It never
 * touches stdin: clack's spinner switches stdin to raw mode, where Ctrl-C is a
 * keypress it answers with exit code 0, so the tool keeps running and nothing
 * is cleaned up. Here Ctrl-C stays a SIGINT for the tool and for our handler.
 *
 * Plain, without a terminal: one line per step and per output line, nothing
 * redrawn, so logs read top to bottom.
 */
import * as p from '@clack/prompts';
import { stripVTControlCharacters, styleText } from 'node:util';
import { columns } from './terminal.ts';
import { wrapText } from './format.ts';

export interface Task {
  /** One line the tool printed. */
  output(line: string): void;
  /** The step finished; `detail` (e.g. uv's "Resolved 40 packages") goes on a dimmed line under it. */
  done(detail?: string): void;
  /** The step failed: `message`, then the tool's last lines. */
  fail(message: string, lastLines?: readonly string[]): void;
}

export interface TaskSettings {
  /** Animate in place (a terminal) or print plain lines. */
  live: boolean;
  /** Output lines kept on screen while a live step runs. */
  keep?: number;
}

const ESC = '\u001B[';
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const FRAMES = p.unicode ? ['◒', '◐', '◓', '◑'] : ['•', 'o', 'O', '0'];
const FRAME_MS = p.unicode ? 80 : 120;

/** Tool output as one printable line: no colours, cursor moves or tabs. */
function clean(line: string): string {
  // A progress bar redraws itself after \r: what is left after the last one is what a terminal shows.
  const shown = line.split('\r').filter(Boolean).pop() ?? '';
  return stripVTControlCharacters(shown).replace(/\t/g, '  ').replace(/[\u0000-\u001F\u007F]/g, '').trimEnd();
}

/** Cut to `width` characters so a redraw knows exactly how many rows it drew. */
function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(width - 3, 1))}...`;
}

function bar(): string {
  return styleText('gray', p.S_BAR);
}

function printLastLines(lines: readonly string[]): void {
  const width = columns() - 3;
  for (const line of lines) {
    for (const row of wrapText(clean(line), width)) process.stdout.write(`${bar()}  ${styleText('dim', row)}\n`);
  }
}

let stopActive: ((symbol: string) => void) | undefined;

/** Ctrl-C or a crash during a live step: leave its line marked, the cursor visible. True if one was running. */
export function interruptActiveTask(): boolean {
  if (!stopActive) return false;
  stopActive(styleText('red', p.S_STEP_CANCEL));
  return true;
}

export function startTask(title: string, { live, keep = 4 }: TaskSettings): Task {
  if (!live) return plainTask(title);

  const out = process.stdout;
  const recent: string[] = [];
  let rows = 0;
  let frame = 0;
  let ticks = 0;

  const draw = () => {
    const width = columns() - 1;
    const dots = '.'.repeat(Math.floor(ticks / 4) % 4);
    const lines = [
      `${styleText('magenta', FRAMES[frame]!)}  ${fit(title, width - 6)}${dots}`,
      ...recent.map((line) => `${bar()}  ${styleText('dim', fit(line, width - 3))}`),
    ];
    erase();
    out.write(lines.join('\n'));
    rows = lines.length;
  };
  const erase = () => {
    if (rows > 1) out.write(`${ESC}${rows - 1}A`);
    if (rows > 0) out.write(`\r${ESC}J`);
    rows = 0;
  };
  const timer = setInterval(() => {
    frame = (frame + 1) % FRAMES.length;
    ticks += 1;
    draw();
  }, FRAME_MS);
  timer.unref();

  const finish = (symbol: string) => {
    clearInterval(timer);
    erase();
    out.write(`${symbol}  ${title}\n${SHOW_CURSOR}`);
    stopActive = undefined;
  };

  out.write(`${bar()}\n${HIDE_CURSOR}`);
  draw();
  stopActive = finish;
  return {
    output(line) {
      const text = clean(line);
      if (!text) return;
      recent.push(text);
      if (recent.length > keep) recent.shift();
      draw();
    },
    done(detail) {
      finish(styleText('green', p.S_STEP_SUBMIT));
      if (detail) printLastLines([detail]);
    },
    fail(message, lastLines = []) {
      clearInterval(timer);
      erase();
      out.write(`${styleText('red', p.S_STEP_ERROR)}  ${message}\n${SHOW_CURSOR}`);
      stopActive = undefined;
      printLastLines(lastLines);
    },
  };
}

function plainTask(title: string): Task {
  p.log.step(title);
  return {
    output(line) {
      const text = clean(line);
      if (text) process.stdout.write(`${bar()}  ${text}\n`);
    },
    done() {},
    fail(message, lastLines = []) {
      p.log.error(message);
      printLastLines(lastLines);
    },
  };
}

// A crash between start and finish must not leave the cursor hidden.
process.once('exit', () => interruptActiveTask());
