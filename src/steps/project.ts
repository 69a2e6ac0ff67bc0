/**
 * Writing: `applyWrites` is the one writer of files. A create has it fill a
 * staging folder that replaces the target only at the end (then `uv lock` and
 * `git init` run there); an update has it apply its decisions in the project.
 * Every run that writes a project (the CLI, `create()`, `update()`,
 * `adopt()`) goes through here.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TargetError } from '../options/errors.ts';
import { abortAll, forgetAll } from '../cleanup.ts';
import type { ProjectPlan } from '../core/plan.ts';
import type { OnDisk } from '../core/reconcile.ts';
import { VERSION } from '../version.ts';
import { runGitInit, runUvLock, type StepResult } from './commands.ts';
import { commitStaged, inspectTarget, stageFiles } from './target.ts';

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
    const fresh = plan.files.filter((file) => !target.identical.includes(file.path));
    const staging = await stageFiles(target, (folder) => applyWrites(folder, fresh.map((file) => ({ kind: 'write', path: file.path, content: file.content }))));
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
    abortAll();
    throw error;
  }
}

/** The project's text at a path; a folder, a link or a device there is returned as such, never read or followed. */
export function readOnDisk(dir: string, path: string): OnDisk {
  const stat = lstatSync(join(dir, path), { throwIfNoEntry: false });
  if (!stat) return undefined;
  return stat.isFile() ? readFileSync(join(dir, path), 'utf8') : { notAFile: true };
}

/** One change to a project: decided first (create, update, adopt), applied here. */
export type FileWrite =
  | { kind: 'write'; path: string; content: string; /** Copy what is there to <path>.bak first. */ backup?: boolean }
  | { kind: 'remove'; path: string };

/** Every folder from the project root to `path` must be a real folder (a link would lead out of the project). */
function checkFolders(dir: string, path: string): void {
  let current = dir;
  for (const part of path.split('/').slice(0, -1)) {
    current = join(current, part);
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) throw new TargetError(`${path}: ${current} is not a folder; nothing was written`);
  }
  const stat = lstatSync(join(dir, path), { throwIfNoEntry: false });
  if (stat && !stat.isFile()) throw new TargetError(`${path}: not a regular file; nothing was written`);
}

/**
 * The one writer (a create's staging folder, an update, an adoption): every
 * decision was made before, so this only acts. It checks every path first (nothing is written if one is in the way),
 * then writes each file to a temporary name beside it and renames it into
 * place, so a file is never half written; synchronous, so a signal lands
 * before the first write or after the last.
 */
export function applyWrites(dir: string, writes: readonly FileWrite[]): void {
  for (const change of writes) checkFolders(dir, change.path);
  for (const change of writes) {
    const path = join(dir, change.path);
    if (change.kind === 'remove') {
      rmSync(path, { force: true });
      // Folders the removal emptied go too (app/platform/ when Postgres is switched off).
      for (let folder = dirname(path); folder.length > dir.length; folder = dirname(folder)) {
        try {
          rmdirSync(folder);
        } catch {
          break;
        }
      }
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    if (change.backup && existsSync(path)) copyFileSync(path, `${path}.bak`);
    const temporary = `${path}.create-fly-fastapi-${process.pid}`;
    writeFileSync(temporary, change.content);
    renameSync(temporary, path);
  }
}
