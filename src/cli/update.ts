/**
 * An update run of the command line (`--update`): a thin layer over update().
 * It prints the per-file table (or the report as JSON), asks about conflicts
 * in a terminal, and exits with the report's code.
 */
import { EXIT, UsageError } from '../errors.ts';
import { Run } from '../run.ts';
import { update, type UpdateReport } from '../runs/update.ts';
import { isInteractive } from '../ui/terminal.ts';
import { endRun } from './end.ts';
import type { ParsedArgs } from '../options/args.ts';
import { askConflict } from '../ui/update.ts';

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
  const kit = report.kit && `; kit ${report.kit.name} ${report.kit.from ?? '(none)'} -> ${report.kit.to}`;
  const what = `${report.directory}: create-fly-fastapi ${report.from} -> ${report.to}${kit ?? ''}`;
  if (check) return `${what} (check: ${report.changed ? 'an update would change files' : 'up to date'})`;
  if (dryRun) return `${what} (dry run: nothing written)`;
  return `${what}${report.written ? '' : ' (nothing to write)'}`;
}

function footer(report: UpdateReport): string | undefined {
  if (report.exitCode === EXIT.conflicts) {
    const marked = report.files.filter((file) => file.resolution === 'markers').map((file) => file.path);
    if (marked.length > 0) return `Conflicts left: ${marked.join(', ')} now hold conflict markers (git shows them unmerged); edit them, git add, then commit.`;
    return 'Conflicts left: your files are as they were; merge each <file>.new into its file by hand, remove the .new, then commit.';
  }
  if (report.exitCode === EXIT.followUpFailed) return 'A uv command failed (above): run it yourself in the project.';
  return undefined;
}

function stoppedLine(run: Run): string {
  return run.phase === 'before-write' ? 'Cancelled: nothing was written.' : 'Cancelled: the files are updated; the uv commands did not finish (run them yourself).';
}

async function main({ given, run: flags }: ParsedArgs, run: Run): Promise<number> {
  if (flags.interactive && !(process.stdin.isTTY && process.stdout.isTTY)) {
    throw new UsageError('--interactive needs a terminal on stdin and stdout');
  }
  const { directory, ...answers } = given;
  const interactive = isInteractive(flags.interactive) && flags.onConflict === undefined && !flags.json && !flags.check && !flags.dryRun;
  const report = await update(
    {
      ...answers,
      directory,
      kit: flags.kit,
      onConflict: flags.onConflict,
      resolve: interactive ? askConflict : undefined,
      dryRun: flags.dryRun,
      check: flags.check,
      allowDirty: flags.allowDirty,
      restore: flags.restore,
    },
    run,
  );
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(`${reportTable(report, heading(report, flags.dryRun, flags.check))}\n`);
    const end = footer(report);
    if (end) process.stderr.write(`${end}\n`);
  }
  return report.exitCode;
}

export function runUpdate(parsed: ParsedArgs): void {
  const run = new Run();
  // Every decision is made before the first write, and the writer is synchronous: a stop before it means nothing was written.
  endRun(run, main(parsed, run), { stoppedLine, showStop: (line) => process.stderr.write(`\n${line}\n`) });
}
