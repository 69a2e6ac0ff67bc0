/**
 * A line-based three-way merge. Each side's edits are found against the base
 * with a longest common subsequence; edits of one side alone are taken, the
 * same edit on both sides is taken once, and edits of both sides that touch
 * the same or adjacent base lines are a conflict (adjacent too, because an
 * insertion next to a changed line is where two people's intentions meet).
 * Line endings are compared as LF; the result has LF endings.
 */
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

/** The edits that turn `base` into `other`, in order, from the LCS table. */
export function diffLines(base: readonly string[], other: readonly string[]): Hunk[] {
  const n = base.length;
  const m = other.length;
  // lcs[i][j]: the common subsequence length of base[i..] and other[j..]; rows as typed arrays to stay small.
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = base[i] === other[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  let open: Hunk | undefined;
  const close = () => {
    if (open) hunks.push({ ...open, baseEnd: i, otherEnd: j });
    open = undefined;
  };
  while (i < n || j < m) {
    if (i < n && j < m && base[i] === other[j]) {
      close();
      i++;
      j++;
      continue;
    }
    open ??= { baseStart: i, baseEnd: i, otherStart: j, otherEnd: j };
    if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) j++;
    else i++;
  }
  close();
  return hunks;
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
    out.push(...base.slice(cursor, hunk.baseStart), ...other.slice(hunk.otherStart, hunk.otherEnd));
    cursor = hunk.baseEnd;
  }
  out.push(...base.slice(cursor, end));
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
  const tagged: Tagged[] = [
    ...diffLines(base, yours).map((hunk) => ({ ...hunk, side: 'yours' as const })),
    ...diffLines(base, next).map((hunk) => ({ ...hunk, side: 'new' as const })),
  ].sort((a, b) => a.baseStart - b.baseStart || a.baseEnd - b.baseEnd);

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
    out.push(...base.slice(cursor, start));
    cursor = end;
    const mine = group.filter((hunk) => hunk.side === 'yours');
    const theirs = group.filter((hunk) => hunk.side === 'new');
    const yoursPart = sideText(base, yours, mine, start, end);
    const newPart = sideText(base, next, theirs, start, end);
    if (theirs.length === 0 || mine.length === 0 || yoursPart.join('') === newPart.join('')) {
      out.push(...(theirs.length === 0 ? yoursPart : newPart));
      continue;
    }
    conflicts++;
    out.push('<<<<<<< yours\n', ...ensureNewline(yoursPart), '=======\n', ...ensureNewline(newPart), '>>>>>>> new (create-fly-fastapi)\n');
  }
  out.push(...base.slice(cursor));
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
  for (const hunk of diffLines(left, right)) {
    lines.push(`@@ -${hunk.baseStart + 1},${hunk.baseEnd - hunk.baseStart} +${hunk.otherStart + 1},${hunk.otherEnd - hunk.otherStart} @@`);
    for (const line of left.slice(hunk.baseStart, hunk.baseEnd)) lines.push(`-${line.replace(/\n$/, '')}`);
    for (const line of right.slice(hunk.otherStart, hunk.otherEnd)) lines.push(`+${line.replace(/\n$/, '')}`);
  }
  return lines.join('\n');
}
