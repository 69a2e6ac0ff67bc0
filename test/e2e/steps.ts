/**
 * One variant's checks as node:test subtests, each recorded in the table.
 * A check runs only when the tools it needs are here and the checks it
 * builds on passed; otherwise its cell says why it did not run.
 */
import type { TestContext } from 'node:test';
import { CHECKS, type Cell, type Check, type ResultTable } from './report.ts';
import { CheckFailure } from './run.ts';
import type { Toolbox } from './toolbox.ts';

export type Need = 'uv' | 'python' | 'hadolint' | 'postgres' | 'docker' | 'image';

export interface StepOptions {
  needs?: Need[];
  after?: Check[];
  /** true, or the reason the check means nothing for this variant. */
  applies?: true | string;
}

function absent(box: Toolbox, reason: string): Cell {
  return box.required ? { status: 'FAIL', note: `would skip, but E2E_REQUIRED=1: ${reason}` } : { status: 'skip', note: reason };
}

/**
 * What a missing tool means for a cell: skip, or a failure when the tier is
 * required to run everything. 'python' is the variant's CPython on this
 * machine or, failing that, in its base image; 'image' is that base image.
 */
export function missingTool(box: Toolbox, need: Need, python: string): Cell | undefined {
  if (need === 'python') {
    if (box.pythons.has(python)) return undefined;
    const image = missingTool(box, 'image', python);
    return image && absent(box, `no CPython ${python} on this machine, and ${image.note?.replace(/^would skip, but E2E_REQUIRED=1: /, '')}`);
  }
  if (need === 'image') {
    const reason = box.missing.get('docker') ?? box.missing.get(`image${python}`);
    return reason === undefined ? undefined : absent(box, reason);
  }
  const reason = box.missing.get(need);
  return reason === undefined ? undefined : absent(box, reason);
}

/**
 * Where a check's outcome goes: a node:test subtest (a failure fails the run),
 * or, for the breakage suite, only the table, which then asserts on it.
 */
type Runner = TestContext | 'table-only';

export class VariantSteps {
  constructor(
    private readonly box: Toolbox,
    private readonly table: ResultTable,
    private readonly variant: { id: string; python: string },
    private readonly t: Runner,
    /** For a breakage: once this check has its cell, the checks after it do not run. */
    private readonly stopAfter?: Check,
  ) {}

  private subtest(name: string, body: (skip: (message: string) => void) => Promise<void>): Promise<void> {
    if (this.t === 'table-only') return body(() => undefined).catch(() => undefined);
    return this.t.test(name, (st) => body((message) => st.skip(message)));
  }

  log(line: string): void {
    console.log(`[${this.variant.id}] ${line}`);
  }

  private gate(options: StepOptions): Cell | undefined {
    if (options.applies !== undefined && options.applies !== true) return { status: 'n/a', note: options.applies };
    for (const need of options.needs ?? []) {
      const cell = missingTool(this.box, need, this.variant.python);
      if (cell) return cell;
    }
    for (const check of options.after ?? []) {
      const cell = this.table.get(this.variant.id, check);
      if (cell?.status === 'skip' || cell?.status === 'n/a') return cell;
      if (cell?.status !== 'pass') return { status: 'blocked', note: `${check} did not pass` };
    }
    return undefined;
  }

  /** The body returns a line for the log, or a cell of its own (a partial run counts as a skip). */
  async step(check: Check, options: StepOptions, body: () => Promise<string | Cell>): Promise<void> {
    if (this.stopAfter && check !== this.stopAfter && this.has(this.stopAfter)) return;
    const record = (cell: Cell) => this.table.set(this.variant.id, check, cell);
    await this.subtest(check, async (skip) => {
      const gated = this.gate(options);
      if (gated) {
        record(gated);
        this.log(`${check}: ${gated.status}${gated.note ? ` (${gated.note.split('\n')[0]})` : ''}`);
        if (gated.status === 'FAIL') throw new CheckFailure(gated.note);
        skip(`${gated.status}: ${gated.note ?? ''}`);
        return;
      }
      const started = Date.now();
      try {
        const outcome = await body();
        const cell: Cell = typeof outcome === 'string' ? { status: 'pass', note: outcome } : outcome;
        if (cell.status === 'skip' && this.box.required) throw new CheckFailure(`would skip, but E2E_REQUIRED=1: ${cell.note}`);
        if (cell.status === 'FAIL') throw new CheckFailure(cell.note ?? 'failed');
        record(cell);
        this.log(`${check}: ${cell.status} in ${((Date.now() - started) / 1000).toFixed(1)} s${cell.note ? ` - ${cell.note}` : ''}`);
        if (cell.status !== 'pass') skip(`${cell.status}: ${cell.note ?? ''}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        record({ status: 'FAIL', note: message });
        this.log(`${check}: FAIL\n${message}`);
        throw error;
      }
    });
  }

  /** Whether the check has a cell yet. */
  has(check: string): boolean {
    return this.table.get(this.variant.id, check as Check) !== undefined;
  }

  passed(check: Check): boolean {
    return this.table.get(this.variant.id, check)?.status === 'pass';
  }

  failed(): boolean {
    return CHECKS.some((check) => this.table.get(this.variant.id, check)?.status === 'FAIL');
  }
}
