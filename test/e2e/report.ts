/** The variant x check table printed at the end of the tier, with footnotes for every reason. */

export const CHECKS = [
  'generate',
  'lock',
  'sync',
  'ruff',
  'format',
  'pytest',
  'hadolint',
  'consistency',
  'secrets',
  'image',
  'contents',
  'migrate',
  'serve',
  'readyz',
  'crud',
  'bytecode',
  'replay',
  'memory',
  'faults',
  'stop',
] as const;
export type Check = (typeof CHECKS)[number];

/**
 * pass and FAIL are results; skip means a tool was missing (a failure under
 * E2E_REQUIRED=1); n/a means the check does not apply to the variant; blocked
 * means an earlier check of the variant failed.
 */
export type Status = 'pass' | 'FAIL' | 'skip' | 'n/a' | 'blocked';

export interface Cell {
  status: Status;
  note?: string;
}

export class ResultTable {
  private readonly rows = new Map<string, Map<Check, Cell>>();

  constructor(private readonly variants: readonly string[]) {}

  set(variant: string, check: Check, cell: Cell): void {
    const row = this.rows.get(variant) ?? new Map<Check, Cell>();
    row.set(check, cell);
    this.rows.set(variant, row);
  }

  get(variant: string, check: Check): Cell | undefined {
    return this.rows.get(variant)?.get(check);
  }

  count(status: Status): number {
    return [...this.rows.values()].reduce((sum, row) => sum + [...row.values()].filter((cell) => cell.status === status).length, 0);
  }

  render(): string {
    const notes: string[] = [];
    const label = (cell: Cell | undefined): string => {
      if (!cell) return '·';
      if (!cell.note || cell.status === 'pass') return cell.status;
      const note = cell.note.split('\n')[0]!.slice(0, 160);
      let index = notes.indexOf(note);
      if (index < 0) index = notes.push(note) - 1;
      return `${cell.status}[${index + 1}]`;
    };
    const body = this.variants.map((variant) => [variant, ...CHECKS.map((check) => label(this.rows.get(variant)?.get(check)))]);
    const header = ['variant', ...CHECKS];
    const widths = header.map((title, column) => Math.max(title.length, ...body.map((row) => row[column]!.length)));
    const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
    const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
    const table = [line(header), rule, ...body.map(line)];
    const footnotes = notes.map((note, index) => `[${index + 1}] ${note}`);
    return [...table, '', ...footnotes].join('\n');
  }
}
