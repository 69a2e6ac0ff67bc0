/**
 * An --adopt run of the command line: read and detect, show what was found
 * and from where, then write our files beside the user's. Every decision is
 * in the run (src/runs/adopt.ts); this file asks, shows, and ends the run
 * the one way (src/cli/end.ts).
 */
import * as p from '@clack/prompts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatDetection, formatWrites } from '../adopt/describe.ts';
import { prepareAdoption, writeAdoption } from '../runs/adopt.ts';
import { launchApp } from '../steps/launch.ts';
import { describeLaunch } from '../steps/launchMessages.ts';
import { RECORD_PATH } from '../record/record.ts';
import { CancelledError, EXIT } from '../errors.ts';
import type { ParsedArgs } from '../options/args.ts';
import { VERSION } from '../version.ts';
import { Run } from '../run.ts';
import { isInteractive } from '../ui/terminal.ts';
import { endRun } from './end.ts';

/** A folder holding a pyproject.toml but no record of ours: a project to adopt rather than create in. */
export function adoptable(directory: string): boolean {
  const dir = resolve(directory);
  return existsSync(join(dir, 'pyproject.toml')) && !existsSync(join(dir, RECORD_PATH));
}

function cancelled<T>(value: T | symbol): T {
  if (p.isCancel(value)) throw new CancelledError();
  return value as T;
}

async function main({ given, run: flags }: ParsedArgs, run: Run, interactive: boolean): Promise<number> {
  const directory = given.directory ?? '.';
  const prepared = await prepareAdoption({
    directory,
    given,
    flags: { entrypoint: flags.entrypoint, package: flags.package, newFiles: flags.adoptNewFiles, addHealth: flags.addHealth, staleLock: flags.allowStaleLock },
    chooseEntrypoint: interactive
      ? async (candidates) => cancelled<string>(await p.select<string>({ message: 'Which app should the image serve?', options: candidates.map((value) => ({ value, label: value })) }))
      : undefined,
  });
  const { detection, plan } = prepared;
  const found = formatDetection(detection);
  const writes = formatWrites(plan);
  if (interactive) {
    p.note(found, `Detected in ${directory}`);
    p.note(writes, flags.dryRun ? 'Would write' : 'Will write (nothing else is touched)');
  } else {
    process.stdout.write(`Detected in ${resolve(directory)}:\n${found}\n\n${flags.dryRun ? 'Would write' : 'Writing'}:\n${writes}\n`);
  }
  if (flags.dryRun) return EXIT.ok;
  if (interactive && !flags.yes && !cancelled(await p.confirm({ message: 'Write these files?' }))) throw new CancelledError();

  const written = await writeAdoption(plan, run);
  // --launch: the same step as create's, on our fly.toml.
  let exitCode: number = EXIT.ok;
  let launched = false;
  if (plan.options.launch) {
    const show = (level: string, text: string) => (interactive ? (level === 'error' ? p.log.error(text) : level === 'warn' ? p.log.warn(text) : p.log.info(text)) : process.stdout.write(`${text}\n`));
    run.phase = 'launching';
    const result = await launchApp(plan.options, { dir: resolve(plan.options.directory), run, onCommand: (command) => show('info', `$ ${command}`), onOutput: (line) => show('info', `  ${line}`) });
    run.phase = 'written';
    for (const message of describeLaunch(result, plan.options)) show(message.level, message.text);
    launched = result.appCreated;
    if (!result.ok) exitCode = EXIT.followUpFailed;
  }
  const next = [
    ...plan.todo,
    ...detection.besideTheirs.map((path) => `Compare ${path}.new with ${path}; move it over yours when it suits`),
    launched ? 'Deploy: fly deploy' : 'Deploy: fly launch --no-deploy --copy-config for a new app (it keeps our fly.toml), then fly deploy',
  ];
  const done = `Adopted: wrote ${written.join(', ')}`;
  if (interactive) {
    p.note(next.join('\n'), 'Next');
    p.outro(done);
  } else {
    process.stdout.write(`\nNext:\n${next.map((line) => `  ${line}`).join('\n')}\n${done}\n`);
  }
  return exitCode;
}

const STOPPED = 'Cancelled: nothing was written.';

function stoppedLine(run: Run): string {
  return run.phase === 'before-write' ? STOPPED : 'Cancelled: our files are written; see the record in .create-fly-fastapi/.';
}

export function runAdopt(parsed: ParsedArgs): void {
  const run = new Run();
  const interactive = isInteractive(parsed.run.interactive);
  if (interactive) p.intro(`create-fly-fastapi ${VERSION}: adopting an existing FastAPI project for Fly.io`);
  endRun(run, main(parsed, run, interactive), { stoppedLine, showStop: (line) => (interactive ? p.cancel(line) : process.stderr.write(`\n${line}\n`)) });
}

/**
 * An interactive create run on a folder with a pyproject.toml and no record:
 * offer --adopt; on no, the create run goes on as asked.
 */
export async function offerAdoption(parsed: ParsedArgs): Promise<boolean> {
  const directory = parsed.given.directory ?? '.';
  const yes = await p.confirm({ message: `${directory} holds a pyproject.toml: add our Dockerfile, fly.toml and checks to it (--adopt)? Its code is not touched.` });
  // Nothing has started yet: nothing to stop or undo.
  if (p.isCancel(yes)) {
    p.cancel(STOPPED);
    process.exit(EXIT.cancelled);
  }
  return yes === true;
}
