/**
 * A new project, from its plan to its folder: the plan written through the one
 * writer into a staging folder beside the target, `uv lock` and `git init` run
 * there, then the whole moved into place in one synchronous step. An exception
 * or Ctrl-C before the move leaves the target as it was.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectPlan } from '../plan/plan.ts';
import { Run } from '../run.ts';
import { runGitInit, runUvLock, type StepResult } from '../steps/commands.ts';
import { VERSION } from '../version.ts';
import { applyWrites } from '../write/applyWrites.ts';
import { commitStaged, inspectTarget, stageFiles } from '../write/target.ts';

export type Step = 'write' | 'lock' | 'git' | 'move';
export type Progress = (step: Step, state: 'start' | 'done' | 'failed', result?: StepResult & { committed?: boolean }) => void;

export interface CreateSettings {
  force?: boolean;
  progress?: Progress;
  /** Lines printed by `uv lock` as they come. */
  onToolOutput?: (line: string) => void;
  /** The run this is part of: its undo list and the tools to stop with it. */
  run?: Run;
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
  const run = settings.run ?? new Run();
  const target = await inspectTarget(options.directory, plan.files, settings.force ?? false);
  try {
    progress('write', 'start');
    const fresh = plan.files.filter((file) => !target.identical.includes(file.path));
    const staging = await stageFiles(target, (folder) => applyWrites(folder, fresh.map((file) => ({ kind: 'write', path: file.path, content: file.content, ...(file.executable && { executable: true }) }))), run);
    progress('write', 'done');

    let locked = false;
    let lockOutput: string | undefined;
    if (options.lock) {
      progress('lock', 'start');
      const result = await runUvLock(staging, run, settings.onToolOutput);
      locked = result.ok;
      lockOutput = result.output;
      progress('lock', result.ok ? 'done' : 'failed', result);
    }

    let git: CreateResult['git'] = 'skipped';
    if (options.git && !existsSync(join(target.dir, '.git'))) {
      progress('git', 'start');
      const result = await runGitInit(staging, VERSION, run);
      git = !result.ok ? 'failed' : result.committed ? 'committed' : 'initialized';
      progress('git', result.ok ? 'done' : 'failed', result);
    }

    progress('move', 'start');
    commitStaged(staging, target, run);
    target.releaseLock?.();
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
    run.abortAll();
    throw error;
  }
}
