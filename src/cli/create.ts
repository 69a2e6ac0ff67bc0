/**
 * A create run of the command line, once its flags are parsed (src/cli.ts):
 * ask what is missing, write the project, run the follow-up steps. Every
 * decision lives in the API; this file only talks.
 */
import * as p from '@clack/prompts';
import { constants } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { EXIT, CancelledError } from '../errors.ts';
import type { Kit } from '../kit/types.ts';
import { prepareKit } from '../kit/prepare.ts';
import { rerunCommand } from '../options/rerun.ts';
import { resolveAnswers, type AnswerOrigins } from '../options/resolve.ts';
import type { Environment, ProjectOptions } from '../options/schema.ts';
import { nextSteps } from '../plan/nextSteps.ts';
import { planProject } from '../plan/plan.ts';
import { createProject, type CreateResult } from '../runs/createProject.ts';
import { kitAnswerSources } from '../sources/kit.ts';
import { loadTemplates } from '../templates/load.ts';
import { VERSION } from '../version.ts';
import { abortAll, committedDir, requestCancel } from '../cleanup.ts';
import { launchApp, type LaunchResult } from '../steps/launch.ts';
import { describeLaunch } from '../steps/launchMessages.ts';
import { stopTools } from '../steps/commands.ts';
import { inspectTarget } from '../write/target.ts';
import { findOnPath, isInsideGitRepo } from '../steps/tools.ts';
import { say, showNextSteps } from '../ui/finish.ts';
import { clackAsker, confirmSummary, kitIntro, summary } from '../ui/prompts.ts';
import { interruptActiveTask, startTask, type Task } from '../ui/task.ts';
import type { ParsedArgs } from '../options/args.ts';

/** Questions and live progress (a terminal), or plain lines (CI, pipes). Set once flags are read. */
let live = false;
/**
 * flyctl is running: a cancel keeps the project, because the app it describes
 * may already exist on Fly.io, and says how to find out.
 */
let launching = false;

function isInteractive(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI);
}

function detectEnvironment(directory: string | undefined): Environment {
  return {
    hasGit: findOnPath('git') !== undefined,
    hasUv: findOnPath('uv') !== undefined,
    insideGitRepo: isInsideGitRepo(dirname(resolve(directory ?? '.'))),
  };
}

/** The message must be true: it says what is on disk, and "nothing" only when every undo worked. */
function cancelledText(clean: boolean): string {
  const written = committedDir();
  if (written === undefined) {
    return clean ? 'Cancelled: nothing was written.' : 'Cancelled, but not everything could be removed: check for hidden .*.create-fly-fastapi-* folders.';
  }
  if (launching) return `Cancelled during fly launch: ${displayPath(written)} is kept; see \`fly apps list\`.`;
  return `Cancelled: the project is in ${displayPath(written)}; the rest did not run.`;
}

/** One line, after the cancelled prompt or step. */
function announceCancel(clean: boolean): void {
  if (!live) {
    process.stderr.write(`\n${cancelledText(clean)}\n`);
    return;
  }
  if (interruptActiveTask()) p.log.message('', { spacing: 0 });
  p.cancel(cancelledText(clean));
}

let stopping = false;

/**
 * The one way a run ends early, whoever asks (a signal, a cancelled prompt, a
 * tool killed by the Ctrl-C): nothing new is moved into place, running tools
 * are killed and waited for (so none writes after the undo), then the undo
 * runs and one true line says what is left. A second request while this runs
 * changes nothing.
 */
async function cancelRun(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  requestCancel();
  try {
    await stopTools();
    announceCancel(abortAll());
  } finally {
    process.exit(exitCode);
  }
}

function fail(error: unknown): void {
  const exitCode = (error as { exitCode?: number }).exitCode ?? EXIT.failure;
  if (error instanceof CancelledError) {
    void cancelRun(exitCode);
    return;
  }
  // A failure during a cancel is the cancel's doing: its own line is on the way.
  if (stopping) return;
  interruptActiveTask();
  process.stderr.write(`create-fly-fastapi: ${(error as Error).message}\n`);
  process.exit(exitCode);
}

interface Answers {
  options: ProjectOptions;
  origins: AnswerOrigins;
}

async function askOptions(given: Partial<ProjectOptions>, run: ParsedArgs['run'], kit: Kit | undefined): Promise<Answers> {
  const ask = clackAsker({ force: run.force });
  let previous: Partial<ProjectOptions> = {};
  for (;;) {
    const env = detectEnvironment(given.directory ?? previous.directory);
    const answers = await resolveAnswers(given, { env, yes: run.yes, ask, previous, sources: kitAnswerSources(kit) });
    const shown = { origins: answers.origins, kit };
    // --yes means no questions, the last one included.
    if (run.yes) {
      p.note(summary(answers.options, shown), 'Your project');
      return answers;
    }
    const choice = await confirmSummary(answers.options, shown);
    if (choice === 'create') return answers;
    if (choice === 'cancel') throw new CancelledError();
    previous = answers.options;
  }
}

function printDryRun(options: ProjectOptions, files: { path: string; content: string }[]): void {
  const out = [`Dry run: would write ${files.length} files to ${resolve(options.directory)}`];
  for (const file of files) out.push(`  ${file.path.padEnd(44)} ${String(Buffer.byteLength(file.content)).padStart(6)} B`);
  const then = [options.lock && 'uv lock', options.git && 'git init', options.launch && 'fly launch --no-deploy'].filter(Boolean);
  out.push(then.length ? `then: ${then.join(', ')}` : 'then: nothing else');
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main({ given, run }: ParsedArgs): Promise<number> {
  const interactive = isInteractive(run.interactive);
  if (run.interactive && !(process.stdin.isTTY && process.stdout.isTTY)) {
    throw Object.assign(new Error('--interactive needs a terminal on stdin and stdout'), { exitCode: EXIT.usage });
  }

  live = interactive;
  // A directory given on the command line that cannot be used stops the run before the questions, not after.
  if (interactive && given.directory !== undefined) await inspectTarget(given.directory, [], run.force);
  if (interactive) p.intro(`create-fly-fastapi ${VERSION}: a FastAPI service for Fly.io`);
  // Fetched and checked before any question: a kit that cannot be used stops the run here.
  const kit = run.kit === undefined ? undefined : await prepareKit(run.kit);
  if (kit && interactive) p.log.info(kitIntro(kit));
  const { options, origins } = interactive
    ? await askOptions(given, run, kit)
    : await resolveAnswers(given, { env: detectEnvironment(given.directory), yes: run.yes, sources: kitAnswerSources(kit) });
  const plan = planProject(options, await loadTemplates(), { generatorVersion: VERSION, kit, origins });

  if (run.dryRun) {
    // Whatever would stop the real run stops this one too, with the same code.
    await inspectTarget(options.directory, plan.files, run.force);
    printDryRun(options, plan.files);
    return EXIT.ok;
  }

  const titles = { write: 'Writing the project', lock: 'Locking dependencies (uv lock)', git: 'Creating a git repository' };
  let task: Task | undefined;
  let lockFailed = false;
  const result: CreateResult = await createProject(plan, {
    force: run.force,
    // Plain runs print the step and, on failure, uv's last lines; live ones show them as they come.
    onToolOutput: interactive ? (line) => task?.output(line) : undefined,
    progress: (step, state, outcome) => {
      if (step === 'move') return;
      const lastLines = (outcome?.output ?? '').split('\n').filter(Boolean);
      if (state === 'start') task = startTask(titles[step], { live: interactive });
      else if (state === 'done') task?.done(step === 'lock' ? lastLines.at(-1) : undefined);
      // The tool died of the Ctrl-C that is also on its way to us: a cancel, not a failure, so nothing is moved into place.
      else if (outcome?.signal) throw new CancelledError();
      else {
        lockFailed ||= step === 'lock';
        task?.fail(`${titles[step]} failed`, lastLines);
      }
    },
  });

  if (lockFailed) {
    say('warn', 'uv lock failed; run it yourself in the project before deploying (the lines above say why).', interactive);
  } else if (!options.lock) {
    say('warn', 'No uv.lock yet: run `uv lock` before `fly deploy` (the Docker build installs exactly what it pins).', interactive);
  }
  if (result.git === 'initialized') say('info', 'git repository created; commit once you have set user.name and user.email.', interactive);

  // --launch: flyctl's output streams under a task like uv's, then what happened, as messages.
  let launch: LaunchResult | undefined;
  if (options.launch) {
    const flyTask = startTask('Creating the Fly app (fly launch --no-deploy)', { live: interactive });
    const show = (line: string) => flyTask.output(line);
    launching = true;
    launch = await launchApp(options, { dir: result.dir, onCommand: (command) => show(`$ ${command}`), onOutput: show });
    // flyctl died of the Ctrl-C that is also on its way to us: a cancel, not a failed launch.
    if (launch.failure?.signal) throw new CancelledError();
    launching = false;
    if (launch.ok) flyTask.done();
    // The messages below say what failed; a live task still needs its line closed.
    else if (interactive) flyTask.fail('The Fly app is not complete');
    for (const message of describeLaunch(launch, options)) say(message.level, message.text, interactive);
  }

  const steps = nextSteps(options, { locked: result.locked, launched: launch?.appCreated ?? false, appName: launch?.appName });
  showNextSteps(steps, rerunCommand(options, kit?.source.spec), interactive);
  // Relative to where the user is, so the last line fits a narrow terminal.
  if (interactive) p.outro(`Created ${options.name} in ${displayPath(result.dir)}`);
  else p.log.success(`Created ${options.name} in ${result.dir}`);
  return lockFailed || (launch !== undefined && !launch.ok) ? EXIT.followUpFailed : EXIT.ok;
}

function displayPath(dir: string): string {
  const path = relative(process.cwd(), dir);
  return path && !path.startsWith('..') && !isAbsolute(path) ? `./${path}` : dir;
}

/**
 * Ctrl-C outside a prompt (a prompt reads it as a key and cancels itself):
 * the terminal sends SIGINT to us and to the tool we are running, so both
 * stop; we undo what was staged and say so in one line. A kill (SIGTERM) or a
 * closed terminal (SIGHUP) is undone the same way.
 */
function onSignal(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): void {
  void cancelRun(signal === 'SIGINT' ? EXIT.cancelled : 128 + constants.signals[signal]);
}
export function runCreate(parsed: ParsedArgs): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => onSignal(signal));
  main(parsed).then((code) => process.exit(code), fail);
}
