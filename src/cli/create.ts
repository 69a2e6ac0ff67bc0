/**
 * A create run of the command line, once its flags are parsed (src/cli.ts):
 * it drives `createWith()`, the run `create()` is, through its hooks. This
 * file asks (the questions and the summary), shows progress and flyctl's
 * output, prints the end of the run, and says the last line when it is
 * stopped (src/cli/end.ts). It decides nothing about the project.
 */
import * as p from '@clack/prompts';
import { isAbsolute, relative, resolve } from 'node:path';
import { EXIT, CancelledError, UsageError } from '../errors.ts';
import type { Kit } from '../kit/types.ts';
import type { ParsedArgs } from '../options/args.ts';
import { rerunCommand } from '../options/rerun.ts';
import { resolveAnswers, type AnswerSource, type ResolvedAnswers } from '../options/resolve.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { nextSteps } from '../plan/nextSteps.ts';
import type { PlannedFile } from '../plan/plan.ts';
import { Run } from '../run.ts';
import { createWith } from '../runs/create.ts';
import { describeLaunch } from '../steps/launchMessages.ts';
import { detectEnvironment } from '../steps/tools.ts';
import { say, showNextSteps } from '../ui/finish.ts';
import { clackAsker, confirmSummary, kitIntro, summary } from '../ui/prompts.ts';
import { interruptActiveTask, startTask, type Task } from '../ui/task.ts';
import { isInteractive } from '../ui/terminal.ts';
import { VERSION } from '../version.ts';
import { endRun } from './end.ts';
import { inspectTarget } from '../write/target.ts';

function displayPath(dir: string): string {
  const path = relative(process.cwd(), dir);
  return path && !path.startsWith('..') && !isAbsolute(path) ? `./${path}` : dir;
}

/** The line must be true: it says what is on disk, and "nothing" only when every undo worked. */
function stoppedLine(run: Run, clean: boolean): string {
  const written = run.committedDir;
  if (written === undefined) {
    return clean ? 'Cancelled: nothing was written.' : 'Cancelled, but not everything could be removed: check for hidden .*.create-fly-fastapi-* folders.';
  }
  if (run.phase === 'launching') return `Cancelled during fly launch: ${displayPath(written)} is kept; see \`fly apps list\`.`;
  return `Cancelled: the project is in ${displayPath(written)}; the rest did not run.`;
}

/** The questions, then the summary until the user accepts it; --yes shows the summary and asks nothing. */
function asking(run: ParsedArgs['run']) {
  const ask = clackAsker({ force: run.force });
  return async (given: Partial<ProjectOptions>, sources: AnswerSource[], kit: Kit | undefined): Promise<ResolvedAnswers> => {
    let previous: Partial<ProjectOptions> = {};
    for (;;) {
      const env = detectEnvironment(given.directory ?? previous.directory ?? '.');
      const answers = await resolveAnswers(given, { env, yes: run.yes, ask, previous, sources });
      const shown = { origins: answers.origins, kit };
      if (run.yes) {
        p.note(summary(answers.options, shown), 'Your project');
        return answers;
      }
      const choice = await confirmSummary(answers.options, shown);
      if (choice === 'create') return answers;
      if (choice === 'cancel') throw new CancelledError();
      previous = answers.options;
    }
  };
}

function printDryRun(options: ProjectOptions, files: readonly PlannedFile[]): void {
  const out = [`Dry run: would write ${files.length} files to ${resolve(options.directory)}`];
  for (const file of files) out.push(`  ${file.path.padEnd(44)} ${String(Buffer.byteLength(file.content)).padStart(6)} B`);
  const then = [options.lock && 'uv lock', options.git && 'git init', options.launch && 'fly launch --no-deploy'].filter(Boolean);
  out.push(then.length ? `then: ${then.join(', ')}` : 'then: nothing else');
  process.stdout.write(`${out.join('\n')}\n`);
}

const TITLES = { write: 'Writing the project', lock: 'Locking dependencies (uv lock)', git: 'Creating a git repository' };

async function main({ given, run: flags }: ParsedArgs, run: Run, live: boolean): Promise<number> {
  // A directory given on the command line that cannot be used stops the run before the questions, not after.
  if (live && given.directory !== undefined) await inspectTarget(given.directory, [], flags.force);
  if (live) p.intro(`create-fly-fastapi ${VERSION}: a FastAPI service for Fly.io`);

  let task: Task | undefined;
  let lockFailed = false;
  // uv's lines stream in a live terminal only (a plain run prints its last lines on failure); flyctl's always.
  let launching = false;
  const done = await createWith(
    { given, kit: flags.kit, force: flags.force, onOutput: (line) => (live || launching) && task?.output(line) },
    {
      run,
      dryRun: flags.dryRun,
      onKit: (kit) => live && p.log.info(kitIntro(kit)),
      resolve: live ? asking(flags) : (answers, sources) => resolveAnswers(answers, { env: detectEnvironment(answers.directory ?? '.'), yes: flags.yes, sources }),
      progress: (step, state, outcome) => {
        if (step === 'move') return;
        const lastLines = (outcome?.output ?? '').split('\n').filter(Boolean);
        if (state === 'start') task = startTask(TITLES[step], { live });
        else if (state === 'done') task?.done(step === 'lock' ? lastLines.at(-1) : undefined);
        // The tool died of the Ctrl-C that is also on its way to us: a stop, not a failure, so nothing is moved into place.
        else if (outcome?.signal) throw new CancelledError();
        else {
          lockFailed ||= step === 'lock';
          task?.fail(`${TITLES[step]} failed`, lastLines);
        }
      },
      onLaunchCommand: (command) => task?.output(`$ ${command}`),
      onLaunch: (state, launch) => {
        if (state === 'start') {
          launching = true;
          task = startTask('Creating the Fly app (fly launch --no-deploy)', { live });
          return;
        }
        // flyctl died of the Ctrl-C that is also on its way to us: a stop, not a failed launch.
        if (launch?.failure?.signal) throw new CancelledError();
        if (launch?.ok) task?.done();
        // The messages below say what failed; a live task still needs its line closed.
        else if (live) task?.fail('The Fly app is not complete');
      },
    },
  );
  const { options, kit, result, launch } = done;
  if (!result) {
    printDryRun(options, done.plan.files);
    return EXIT.ok;
  }

  if (lockFailed) {
    say('warn', 'uv lock failed; run it yourself in the project before deploying (the lines above say why).', live);
  } else if (!options.lock) {
    say('warn', 'No uv.lock yet: run `uv lock` before `fly deploy` (the Docker build installs exactly what it pins).', live);
  }
  if (result.git === 'initialized') say('info', 'git repository created; commit once you have set user.name and user.email.', live);
  if (launch) for (const message of describeLaunch(launch, options)) say(message.level, message.text, live);

  const steps = nextSteps(options, { locked: result.locked, launched: launch?.appCreated ?? false, appName: launch?.appName });
  showNextSteps(steps, rerunCommand(options, kit?.source.spec), live);
  // Relative to where the user is, so the last line fits a narrow terminal.
  if (live) p.outro(`Created ${options.name} in ${displayPath(result.dir)}`);
  else p.log.success(`Created ${options.name} in ${result.dir}`);
  return done.report!.exitCode;
}

export function runCreate(parsed: ParsedArgs): void {
  const run = new Run();
  let live = false;
  const work = (async () => {
    if (parsed.run.interactive && !(process.stdin.isTTY && process.stdout.isTTY)) {
      throw new UsageError('--interactive needs a terminal on stdin and stdout');
    }
    live = isInteractive(parsed.run.interactive);
    return main(parsed, run, live);
  })();
  endRun(run, work, {
    stoppedLine,
    showStop: (line) => {
      if (!live) return void process.stderr.write(`\n${line}\n`);
      if (interruptActiveTask()) p.log.message('', { spacing: 0 });
      p.cancel(line);
    },
    beforeFailure: () => interruptActiveTask(),
  });
}
