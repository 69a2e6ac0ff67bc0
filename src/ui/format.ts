/**
 * Laying text out for a terminal of a given width. clack's log lines are not
 * wrapped at all and its note breaks lines anywhere, which splits a command in
 * the middle of a flag; here words wrap, and commands break only between
 * arguments with a trailing backslash, so a copied block still runs.
 */

/** Words wrapped to `width`; a word longer than a line keeps its own line. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Arguments, keeping single-quoted ones (which may hold spaces) whole and an
 * option with its value (`--region iad`) on one line.
 */
function shellWords(command: string): string[] {
  const words = command.match(/(?:'[^']*'|[^\s'])+/g) ?? [];
  const grouped: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = words[i + 1];
    const takesValue = /^--?[\w-]+$/.test(word) && word !== '--';
    if (takesValue && next !== undefined && !next.startsWith('-')) {
      grouped.push(`${word} ${next}`);
      i++;
    } else {
      grouped.push(word);
    }
  }
  return grouped;
}

const CONTINUATION_INDENT = '    ';

/** A shell command in lines of at most `width`, joined by backslash continuations. */
export function fitCommand(command: string, width: number): string[] {
  if (command.length <= width) return [command];
  const lines: string[] = [];
  let line = '';
  for (const word of shellWords(command)) {
    const candidate = line ? `${line} ${word}` : word;
    // Room for the " \" that ends every line but the last.
    if (line.trim() && candidate.length + 2 > width) {
      lines.push(`${line} \\`);
      line = CONTINUATION_INDENT + word;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * One "next step": a command with an optional aligned `# comment`. The comment
 * wraps in its column when there is room beside the command, else it moves to
 * its own lines above it.
 */
export function fitStep(step: string, width: number): string[] {
  const match = /^(.*?\S)(\s{2,})# (.*)$/.exec(step);
  if (!match) return fitCommand(step, width);
  const [, command = '', gap = '', comment = ''] = match;
  const column = command.length + gap.length;
  const room = width - column - 2;
  const longest = Math.max(...comment.split(' ').map((word) => word.length));
  if (command.length < column && room >= Math.max(longest, 16)) {
    const [first = '', ...rest] = wrapText(comment, room);
    return [`${command}${gap}# ${first}`, ...rest.map((line) => `${' '.repeat(column)}# ${line}`)];
  }
  return [...wrapText(comment, width - 2).map((line) => `# ${line}`), ...fitCommand(command, width)];
}
