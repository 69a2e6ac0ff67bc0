/**
 * The programmatic API. The CLI is a thin layer over these functions:
 *
 *   const options = await resolveOptions({ directory: 'my-api', postgres: 'none' }, { env, yes: true });
 *   const plan = planProject(options, await loadTemplates(), { generatorVersion: VERSION });
 *   await createProject(plan, { force: false });
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { abortAll, forgetAll } from './cleanup.ts';
import type { ProjectPlan } from './core/plan.ts';
import { runGitInit, runUvLock, type StepResult } from './steps/commands.ts';
import { commitStaged, inspectTarget, stageFiles } from './steps/target.ts';

export { EXIT, CancelledError, TargetError, UsageError } from './options/errors.ts';
export { parseArgs } from './options/args.ts';
export { resolveOptions, type Asker, type ResolveSettings } from './options/resolve.ts';
export { rerunCommand } from './options/rerun.ts';
export * from './options/schema.ts';
export { REGIONS, RETIRED_REGIONS, type Region } from './regions.ts';
export { planProject, type PlannedFile, type ProjectPlan, type TemplateFiles } from './core/plan.ts';
export { nextSteps, type Outcome } from './core/nextSteps.ts';
export { launchArgs, unmanagedPostgresArgs, extraRegionArgs } from './core/flyCommands.ts';
export { launchApp, describeLaunch, type LaunchMessage, type LaunchResult, type LaunchSettings } from './steps/launch.ts';
export { loadTemplates } from './templates.ts';

import { VERSION } from './version.ts';

export { VERSION };

export type Step = 'write' | 'lock' | 'git' | 'move';
export type Progress = (step: Step, state: 'start' | 'done' | 'failed', result?: StepResult & { committed?: boolean }) => void;

export interface CreateSettings {
  force?: boolean;
  progress?: Progress;
  /** Lines printed by `uv lock` as they come. */
  onToolOutput?: (line: string) => void;
}

export interface CreateResult {
  dir: string;
  written: string[];
  /** Already present with identical content, left as they were. */
  unchanged: string[];
  locked: boolean;
  lockOutput?: string;
  git: 'committed' | 'initialized' | 'skipped' | 'failed';
}

/**
 * Writes the plan to disk and runs `uv lock` and `git init` as the options ask.
 * Everything happens in a staging folder that replaces the target at the end, so
 * an exception or Ctrl-C before then leaves the target as it was.
 */
export async function createProject(plan: ProjectPlan, settings: CreateSettings = {}): Promise<CreateResult> {
  const { options } = plan;
  const progress = settings.progress ?? (() => {});
  const target = await inspectTarget(options.directory, plan.files, settings.force ?? false);
  try {
    progress('write', 'start');
    const staging = await stageFiles(target, plan.files);
    progress('write', 'done');

    let locked = false;
    let lockOutput: string | undefined;
    if (options.lock) {
      progress('lock', 'start');
      const result = await runUvLock(staging, settings.onToolOutput);
      locked = result.ok;
      lockOutput = result.output;
      progress('lock', result.ok ? 'done' : 'failed', result);
    }

    let git: CreateResult['git'] = 'skipped';
    if (options.git && !existsSync(join(target.dir, '.git'))) {
      progress('git', 'start');
      const result = await runGitInit(staging, VERSION);
      git = !result.ok ? 'failed' : result.committed ? 'committed' : 'initialized';
      progress('git', result.ok ? 'done' : 'failed', result);
    }

    progress('move', 'start');
    await commitStaged(staging, target);
    forgetAll();
    progress('move', 'done');
    return {
      dir: target.dir,
      written: plan.files.map((file) => file.path).filter((path) => !target.identical.includes(path)),
      unchanged: target.identical,
      locked,
      lockOutput,
      git,
    };
  } catch (error) {
    abortAll();
    throw error;
  }
}
