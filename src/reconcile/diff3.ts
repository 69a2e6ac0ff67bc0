/**
 * A line-based three-way merge. Each side's edits are found against the base
 * with Myers' diff (jsdiff's diffArrays); edits of one side alone are taken, the
 * same edit on both sides is taken once, and edits of both sides that touch
 * the same or adjacent base lines are a conflict (adjacent too, because an
 * insertion next to a changed line is where two people's intentions meet).
 * Line endings are compared as LF; the result has LF endings.
 */
import { diffArrays } from 'diff';
import { normalizeEol } from '../content.ts';

/** base[baseStart, baseEnd) became other[otherStart, otherEnd). */
export interface Hunk {
  baseStart: number;
  baseEnd: number;
  otherStart: number;
  otherEnd: number;
}

export function splitLines(text: string): string[] {
  const lines = normalizeEol(text).split('\n');
  // "a\n" is one line, not two: the final newline is kept on the last line's side of the split.
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, index) => (index < lines.length - 1 || normalizeEol(text).endsWith('\n') ? `${line}\n` : line));
}

/**
 * More edits than this between two versions of one file is no merge a person
 * would trust: the diff stops there and the file is a conflict. It also keeps
 * Myers' diff, linear in the file's length for a few edits, from its
 * quadratic worst case on two unrelated texts.
 */
const MAX_EDITS = 10_000;

/**
 * The edits that turn `base` into `other`, in order: Myers' diff (jsdiff),
 * whose time and memory grow with the file's length times the number of
 * edits, not with the product of the two lengths. Undefined past MAX_EDITS.
 */
export function diffLines(base: readonly string[], other: readonly string[]): Hunk[] | undefined {
  const changes = diffArrays([...base], [...other], { maxEditLength: MAX_EDITS });
  if (changes === undefined) return undefined;
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  let open: Hunk | undefined;
  for (const change of changes) {
    const count = change.count ?? change.value.length;
    if (!change.added && !change.removed) {
      if (open) hunks.push({ ...open, baseEnd: i, otherEnd: j });
      open = undefined;
      i += count;
      j += count;
      continue;
    }
    open ??= { baseStart: i, baseEnd: i, otherStart: j, otherEnd: j };
    if (change.removed) i += count;
    else j += count;
  }
  if (open) hunks.push({ ...open, baseEnd: i, otherEnd: j });
  return hunks;
}

/** Appends without spreading: a spread of a 100,000-line file into push() overflows the call stack. */
function append(out: string[], lines: readonly string[]): void {
  for (const line of lines) out.push(line);
}

export interface MergeResult {
  /** The merged text; with conflicts, both versions between markers. */
  text: string;
  conflicts: number;
}

interface Tagged extends Hunk {
  side: 'yours' | 'new';
}

/** Side's text for base[start, end), with its hunks inside that range applied. */
function sideText(base: readonly string[], other: readonly string[], hunks: readonly Hunk[], start: number, end: number): string[] {
  const out: string[] = [];
  let cursor = start;
  for (const hunk of hunks) {
    append(out, base.slice(cursor, hunk.baseStart));
    append(out, other.slice(hunk.otherStart, hunk.otherEnd));
    cursor = hunk.baseEnd;
  }
  append(out, base.slice(cursor, end));
  return out;
}

function ensureNewline(lines: string[]): string[] {
  const last = lines.at(-1);
  return last !== undefined && !last.endsWith('\n') ? [...lines.slice(0, -1), `${last}\n`] : lines;
}

export function merge3(baseText: string, yoursText: string, newText: string): MergeResult {
  const base = splitLines(baseText);
  const yours = splitLines(yoursText);
  const next = splitLines(newText);
  const mine = diffLines(base, yours);
  const ours = diffLines(base, next);
  // Too different to merge line by line: the whole file is one conflict.
  if (mine === undefined || ours === undefined) return { text: twoWayMarkers(yoursText, newText), conflicts: 1 };
  const tagged: Tagged[] = [...mine.map((hunk) => ({ ...hunk, side: 'yours' as const })), ...ours.map((hunk) => ({ ...hunk, side: 'new' as const }))].sort(
    (a, b) => a.baseStart - b.baseStart || a.baseEnd - b.baseEnd,
  );

  const out: string[] = [];
  let conflicts = 0;
  let cursor = 0;
  for (let index = 0; index < tagged.length; ) {
    const group = [tagged[index]!];
    let end = tagged[index]!.baseEnd;
    index++;
    // Overlapping or touching base ranges form one group.
    while (index < tagged.length && tagged[index]!.baseStart <= end) {
      end = Math.max(end, tagged[index]!.baseEnd);
      group.push(tagged[index]!);
      index++;
    }
    const start = group[0]!.baseStart;
    append(out, base.slice(cursor, start));
    cursor = end;
    const yourHunks = group.filter((hunk) => hunk.side === 'yours');
    const ourHunks = group.filter((hunk) => hunk.side === 'new');
    const yoursPart = sideText(base, yours, yourHunks, start, end);
    const newPart = sideText(base, next, ourHunks, start, end);
    if (ourHunks.length === 0 || yourHunks.length === 0 || yoursPart.join('') === newPart.join('')) {
      append(out, ourHunks.length === 0 ? yoursPart : newPart);
      continue;
    }
    conflicts++;
    append(out, ['<<<<<<< yours\n', ...ensureNewline(yoursPart), '=======\n', ...ensureNewline(newPart), '>>>>>>> new (create-fly-fastapi)\n']);
  }
  append(out, base.slice(cursor));
  return { text: out.join(''), conflicts };
}

/** The whole of two texts as one conflict: a file in the way has no base to merge from. */
export function twoWayMarkers(yoursText: string, newText: string): string {
  return ['<<<<<<< yours\n', ...ensureNewline(splitLines(yoursText)), '=======\n', ...ensureNewline(splitLines(newText)), '>>>>>>> new (create-fly-fastapi)\n'].join('');
}

/** A unified-style listing of the edits from `a` to `b`, for the conflict prompt and --dry-run. */
export function showDiff(a: string, b: string, labels: [string, string]): string {
  const left = splitLines(a);
  const right = splitLines(b);
  const lines = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  const hunks = diffLines(left, right);
  if (hunks === undefined) return [...lines, '(the two versions differ in more places than are listed)'].join('\n');
  for (const hunk of hunks) {
    lines.push(`@@ -${hunk.baseStart + 1},${hunk.baseEnd - hunk.baseStart} +${hunk.otherStart + 1},${hunk.otherEnd - hunk.otherStart} @@`);
    for (const line of left.slice(hunk.baseStart, hunk.baseEnd)) lines.push(`-${line.replace(/\n$/, '')}`);
    for (const line of right.slice(hunk.otherStart, hunk.otherEnd)) lines.push(`+${line.replace(/\n$/, '')}`);
  }
  return lines.join('\n');
}
