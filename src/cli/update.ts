/**
 * An update run of the command line (`--update`): a thin layer over update().
 * It prints the per-file table (or the report as JSON), asks about conflicts
 * in a terminal, and exits with the report's code.
 */
import { constants } from 'node:os';
import { EXIT, CancelledError } from '../errors.ts';
import { update, type UpdateReport } from '../runs/update.ts';
import type { ParsedArgs } from '../options/args.ts';
import { askConflict } from '../ui/update.ts';

function isInteractive(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI);
}

export function reportTable(report: UpdateReport, heading: string): string {
  const lines = [heading];
  const width = Math.max(...report.files.map((file) => file.path.length), 10) + 2;
  for (const file of report.files) {
    const extra = [file.reason, file.resolution && `resolved: ${file.resolution}`, file.beside?.length && `wrote ${file.beside.join(', ')}`].filter(Boolean).join('; ');
    lines.push(`  ${file.status.padEnd(15)} ${file.path.padEnd(width)}${extra}`.trimEnd());
  }
  for (const entry of report.dependencies) {
    const state = entry.ok === undefined ? 'would run' : entry.ok ? 'ran' : 'FAILED';
    lines.push(`  ${state.padEnd(15)} uv ${entry.command.join(' ')}${entry.output ? `\n${entry.output}` : ''}`);
  }
  return lines.join('\n');
}

function heading(report: UpdateReport, dryRun: boolean, check: boolean): string {
  const what = `${report.directory}: create-fly-fastapi ${report.from} -> ${report.to}`;
  if (check) return `${what} (check: ${report.changed ? 'an update would change files' : 'up to date'})`;
  if (dryRun) return `${what} (dry run: nothing written)`;
  return `${what}${report.written ? '' : ' (nothing to write)'}`;
}

function footer(report: UpdateReport): string | undefined {
  if (report.exitCode === EXIT.conflicts) return 'Conflicts left: your files are as they were; merge the <file>.new (or markers) by hand, then commit.';
  if (report.exitCode === EXIT.followUpFailed) return 'A uv command failed (above): run it yourself in the project.';
  return undefined;
}

/** Set once the writer has run: from then on a cancel stops uv only. */
let written = false;

async function main({ given, run }: ParsedArgs): Promise<number> {
  if (run.interactive && !(process.stdin.isTTY && process.stdout.isTTY)) {
    throw Object.assign(new Error('--interactive needs a terminal on stdin and stdout'), { exitCode: EXIT.usage });
  }
  const { directory, ...answers } = given;
  const interactive = isInteractive(run.interactive) && run.onConflict === undefined && !run.json && !run.check && !run.dryRun;
  const report = await update({
    ...answers,
    directory,
    kit: run.kit,
    onConflict: run.onConflict,
    resolve: interactive ? askConflict : undefined,
    dryRun: run.dryRun,
    check: run.check,
    allowDirty: run.allowDirty,
    onWritten: () => {
      written = true;
    },
  });
  if (run.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(`${reportTable(report, heading(report, run.dryRun, run.check))}\n`);
    const end = footer(report);
    if (end) process.stderr.write(`${end}\n`);
  }
  return report.exitCode;
}

export function runUpdate(parsed: ParsedArgs): void {
  // Every decision is made before the first write, and the writer is synchronous: a signal before it means nothing was written.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(written ? '\nCancelled: the files are updated; the uv commands did not finish (run them yourself).\n' : '\nCancelled: nothing was written.\n');
      process.exit(signal === 'SIGINT' ? EXIT.cancelled : 128 + constants.signals[signal]);
    });
  }
  main(parsed).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof CancelledError) {
        process.stderr.write('Cancelled: nothing was written.\n');
        process.exit(EXIT.cancelled);
      }
      process.stderr.write(`create-fly-fastapi: ${(error as Error).message}\n`);
      process.exit((error as { exitCode?: number }).exitCode ?? EXIT.failure);
    },
  );
}
