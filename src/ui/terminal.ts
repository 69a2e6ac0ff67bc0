/**
 * What the user's terminal can show.
 *
 * Colour: clack styles everything through node:util's styleText, which asks
 * process.stdout and NO_COLOR / FORCE_COLOR for a single style, but on Node
 * 20 still colours a list of styles (clack uses them for cancelled answers and
 * the text cursor) and on Node 22.12 colours everything. So we decide once,
 * with Node's own rules, and when the answer is "no colour" styleText returns
 * plain text for every caller.
 *
 * Unicode: clack picks ASCII symbols by itself when TERM=linux (the Linux
 * console) or on a Windows console it does not recognise; our own symbols
 * follow the same decision through its `unicode` export.
 */
import { syncBuiltinESMExports } from 'node:module';
import util from 'node:util';

interface OutputStream {
  isTTY?: boolean;
  columns?: number;
  hasColors?: () => boolean;
}

/** Node's rules (lib/internal/tty.js): FORCE_COLOR wins, then NO_COLOR, NODE_DISABLE_COLORS and TERM=dumb, then the stream. */
export function colourWanted(env: NodeJS.ProcessEnv, stream: OutputStream): boolean {
  if (env.FORCE_COLOR !== undefined) return ['', '1', 'true', '2', '3'].includes(env.FORCE_COLOR);
  if (env.NO_COLOR !== undefined || env.NODE_DISABLE_COLORS !== undefined || env.TERM === 'dumb') return false;
  return stream.isTTY === true && (stream.hasColors?.() ?? true);
}

/** Call before anything is drawn. */
export function applyColourPreference(env: NodeJS.ProcessEnv = process.env, stream: OutputStream = process.stdout): void {
  if (colourWanted(env, stream)) return;
  const plain: typeof util.styleText = (_format, text) => text;
  Object.assign(util, { styleText: plain });
  // Named imports of a built-in (clack's `import { styleText }`) see the change only after this.
  syncBuiltinESMExports();
}

/** The width to lay text out in; 80 when the output is not a terminal, as clack does. */
export function columns(stream: OutputStream = process.stdout): number {
  return stream.isTTY && stream.columns ? stream.columns : 80;
}

/** Questions and live progress: a terminal on both ends and not CI, unless --interactive / --no-interactive says. */
export function isInteractive(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI);
}
