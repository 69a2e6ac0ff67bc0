/**
 * One call that does what the command line does, without a question:
 *
 *   const report = await create({ directory: 'my-api', kit: '@acme/fly-kit@^1', regions: ['fra'] });
 *
 * Options are the CLI's, camelCased (`minMachines`, `vmSize`), given as data
 * and checked by the flags' own parsers; what is not given takes the kit's
 * default, then ours, as `--yes` does. Bad input throws the error the CLI
 * would exit with (`exitCode` 2 or 3); a failed follow-up step (uv lock, fly
 * launch) does not throw: the project is there, and the report says what failed.
 */
import { planProject, type ProjectPlan } from '../plan/plan.ts';
import { prepareKit } from '../kit/prepare.ts';
import { kitAnswerSources } from '../sources/kit.ts';
import type { Kit } from '../kit/types.ts';
import { EXIT, UsageError } from '../errors.ts';
import { resolveAnswers, type AnswerOrigins, type AnswerSource, type ResolvedAnswers } from '../options/resolve.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { answersFromData, type ProjectAnswers } from '../options/values.ts';
import { launchApp, type LaunchResult } from '../steps/launch.ts';
import { Run } from '../run.ts';
import { inspectTarget } from '../write/target.ts';
import { createProject, type CreateResult, type Progress } from './createProject.ts';
import { detectEnvironment } from '../steps/tools.ts';
import { loadTemplates } from '../templates/load.ts';
import { VERSION } from '../version.ts';

export interface CreateOptions extends ProjectAnswers {
  /** Where to write the project, relative to the current directory or absolute. */
  directory: string;
  /** A starter kit: a folder, a .tgz, or an npm package spec, as `--kit` takes. */
  kit?: string;
  /** Add to a non-empty directory; a file that would change is still refused. */
  force?: boolean;
  /** Lines printed by `uv lock` and flyctl as they come. */
  onOutput?: (line: string) => void;
}

export type FileStatus = 'created' | 'identical';
export type StepName = 'write' | 'lock' | 'git' | 'launch';
export type StepOutcome = 'done' | 'failed' | 'skipped';

export interface CreateReport {
  /** The project's absolute path. */
  directory: string;
  options: ProjectOptions;
  /** Where each answer came from: flag (given here), kit-lock, kit-default or default. */
  origins: AnswerOrigins;
  kit?: { name: string; version: string; source: string };
  /** Every file of the project, and what happened to it. */
  files: { path: string; status: FileStatus }[];
  /** Each step, in order, with its outcome; `output` holds a failed tool's last lines. */
  steps: { step: StepName; outcome: StepOutcome; output?: string }[];
  launch?: LaunchResult;
  /** What the CLI would exit with: 0, or 4 when uv lock or fly launch failed. */
  exitCode: number;
}

/** create()'s own keys, not project options. */
const CREATE_CONTROL = new Set(['directory', 'kit', 'force', 'onOutput']);

function givenAnswers(input: CreateOptions): Partial<ProjectOptions> {
  // Wrong types from a caller are refused as the CLI refuses bad flags: exit 2, naming the key.
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError('create() takes an object of options, with at least { directory }');
  if (input.kit !== undefined && typeof input.kit !== 'string') throw new UsageError('kit: must be a kit source (a folder, a .tgz or an npm spec)');
  if (input.force !== undefined && typeof input.force !== 'boolean') throw new UsageError('force: must be true or false');
  if (input.onOutput !== undefined && typeof input.onOutput !== 'function') throw new UsageError('onOutput: must be a function');
  const given = { ...answersFromData(input as unknown as Record<string, unknown>, CREATE_CONTROL), directory: input.directory };
  if (typeof input.directory !== 'string' || input.directory.trim() === '') throw new UsageError('directory: must be a path');
  return given as Partial<ProjectOptions>;
}

function stepsOf(options: ProjectOptions, result: CreateResult): CreateReport['steps'] {
  const steps: CreateReport['steps'] = [{ step: 'write', outcome: 'done' }];
  steps.push(options.lock ? { step: 'lock', outcome: result.locked ? 'done' : 'failed', ...(!result.locked && { output: result.lockOutput }) } : { step: 'lock', outcome: 'skipped' });
  steps.push({ step: 'git', outcome: result.git === 'failed' ? 'failed' : result.git === 'skipped' ? 'skipped' : 'done' });
  return steps;
}

/**
 * What the command line adds to a create: its questions, its progress and
 * flyctl's live output. `create()` runs with none of them (`--yes`
 * semantics, no output); src/cli/create.ts fills them in.
 */
export interface CreateHooks {
  /** The run this create is: its undo list and the tools to stop with it. */
  run?: Run;
  /** The kit, fetched and checked, before any question. */
  onKit?: (kit: Kit) => void;
  /** Resolves the answers (the questions and the summary); default: no question, as --yes. */
  resolve?: (given: Partial<ProjectOptions>, sources: AnswerSource[], kit: Kit | undefined) => Promise<ResolvedAnswers>;
  /** Decide and check, write nothing: whatever would stop the real run stops this one, with the same code. */
  dryRun?: boolean;
  progress?: Progress;
  /** Each flyctl command as the user would type it, before it runs. */
  onLaunchCommand?: (command: string) => void;
  /** fly launch begins (`start`) or has ended (`done`, with its result); a hook may throw to stop the run. */
  onLaunch?: (state: 'start' | 'done', launch?: LaunchResult) => void;
}

/** Everything a create did, for whoever drives it. `result` is missing from a dry run. */
export interface CreateRun {
  options: ProjectOptions;
  origins: AnswerOrigins;
  kit: Kit | undefined;
  plan: ProjectPlan;
  result?: CreateResult;
  launch?: LaunchResult;
  report?: CreateReport;
}

/** A create's input: the answers given (flags, or create()'s data, already checked) and the run's own settings. */
export interface CreateRequest {
  given: Partial<ProjectOptions>;
  kit?: string;
  force?: boolean;
  onOutput?: (line: string) => void;
}

/** A whole create, in pipeline order: kit, answers, plan, write (staged, then uv lock and git init), launch. */
export async function createWith(input: CreateRequest, hooks: CreateHooks = {}): Promise<CreateRun> {
  const run = hooks.run ?? new Run();
  const { given } = input;
  const kit = input.kit === undefined ? undefined : await prepareKit(input.kit, VERSION, run);
  if (kit) hooks.onKit?.(kit);
  const sources = kitAnswerSources(kit);
  const { options, origins } = hooks.resolve
    ? await hooks.resolve(given, sources, kit)
    : await resolveAnswers(given, { env: detectEnvironment(given.directory ?? '.'), yes: true, sources });
  const plan = planProject(options, await loadTemplates(), { generatorVersion: VERSION, kit, origins });
  if (hooks.dryRun) {
    await inspectTarget(options.directory, plan.files, input.force ?? false);
    return { options, origins, kit, plan };
  }
  const result = await createProject(plan, { force: input.force ?? false, onToolOutput: input.onOutput, progress: hooks.progress, run });

  const steps = stepsOf(options, result);
  let launch: LaunchResult | undefined;
  if (options.launch) {
    run.phase = 'launching';
    hooks.onLaunch?.('start');
    launch = await launchApp(options, { dir: result.dir, onOutput: input.onOutput, onCommand: hooks.onLaunchCommand, run });
    hooks.onLaunch?.('done', launch);
    run.phase = 'written';
    steps.push({ step: 'launch', outcome: launch.ok ? 'done' : 'failed' });
  } else {
    steps.push({ step: 'launch', outcome: 'skipped' });
  }
  const files = plan.files.map((file) => ({ path: file.path, status: (result.unchanged.includes(file.path) ? 'identical' : 'created') as FileStatus }));
  if (result.locked) files.push({ path: 'uv.lock', status: 'created' });
  const report: CreateReport = {
    directory: result.dir,
    options,
    origins,
    ...(kit && { kit: { name: kit.name, version: kit.version, source: kit.source.spec } }),
    files: files.sort((a, b) => a.path.localeCompare(b.path)),
    steps,
    launch,
    exitCode: steps.some((step) => step.outcome === 'failed' && step.step !== 'git') ? EXIT.followUpFailed : EXIT.ok,
  };
  return { options, origins, kit, plan, result, launch, report };
}

export async function create(input: CreateOptions): Promise<CreateReport> {
  const given = givenAnswers(input);
  return (await createWith({ given, kit: input.kit, force: input.force, onOutput: input.onOutput })).report!;
}
