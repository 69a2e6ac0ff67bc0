/**
 * adopt(): a whole --adopt run in one call, and the two halves the command
 * line shows between (prepare: read, detect, resolve, plan; then write).
 * The same pipeline as create: answers from ordered sources, a pure plan,
 * one writer.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { planAdoption, type AdoptionPlan } from '../adopt/plan.ts';
import { resolveAnswers } from '../options/resolve.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { ADOPTION_ENVIRONMENT, projectSource } from '../sources/project.ts';
import { AdoptRefusal, UsageError } from '../errors.ts';
import { decideAll } from '../reconcile/decide.ts';
import { fileMode } from '../record/fileModes.ts';
import { Run } from '../run.ts';
import { applyWrites, readOnDisk, targetFailure } from '../write/applyWrites.ts';
import { acquireProjectLock, recoverProject, removeLeftovers } from '../write/runLock.ts';
import { readProject } from '../write/readProject.ts';
import { loadTemplates } from '../templates/load.ts';
import { VERSION } from '../version.ts';
import { textOf } from '../adopt/files.ts';
import { AmbiguousEntrypoint } from '../adopt/entrypoint.ts';
import { detectAdoption, type AdoptFlags, type Detection } from '../adopt/detect.ts';

export interface AdoptInput {
  /** The project; default: the current directory. */
  directory?: string;
  flags?: AdoptFlags;
  /** Answers given as flags: name, regions, scaling, vmSize, vmMemory. */
  given?: Partial<ProjectOptions>;
  /** Asked when fastapi-cli's rules leave more than one app; without it, that is a refusal. */
  chooseEntrypoint?: (candidates: string[]) => Promise<string | undefined>;
}

export interface PreparedAdoption {
  dir: string;
  detection: Detection;
  plan: AdoptionPlan;
}

export interface AdoptReport extends PreparedAdoption {
  written: string[];
}

export async function prepareAdoption(input: AdoptInput = {}): Promise<PreparedAdoption> {
  const directory = input.directory ?? input.given?.directory ?? '.';
  const dir = resolve(directory);
  // A run killed halfway is finished (or its leftovers removed) before the project is read.
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    try {
      recoverProject(dir, directory);
    } catch (error) {
      throw targetFailure(error, directory);
    }
  }
  const files = readProject(dir);
  let flags = { ...input.flags, python: input.given?.python ?? input.flags?.python, workflows: input.given?.workflows ?? input.flags?.workflows };
  let detection: Detection;
  try {
    detection = detectAdoption(files, flags);
  } catch (error) {
    if (!(error instanceof AmbiguousEntrypoint) || error.candidates.length === 0 || !input.chooseEntrypoint) throw error;
    const chosen = await input.chooseEntrypoint(error.candidates);
    if (!chosen) throw error;
    flags = { ...flags, entrypoint: chosen };
    detection = detectAdoption(files, flags);
  }
  const { python: _python, ...given } = input.given ?? {};
  const { options, origins } = await resolveAnswers({ ...given, directory }, { env: ADOPTION_ENVIRONMENT, yes: true, sources: [projectSource(directory, detection)] });
  if (options.python !== detection.python.version) throw new UsageError('internal: the Python chosen and the one detected differ');
  const templates = await loadTemplates();
  const plan = planAdoption(options, detection, templates, textOf(files, '.gitignore'), { generatorVersion: VERSION, origins });
  return { dir, detection, plan };
}

/**
 * Writes an adoption plan: the one decide loop against the disk (there is no
 * base: we never wrote here before), then the one writer. Adopt's policy for
 * what is left open: anything at a planned path that is not byte for byte
 * ours refuses the whole run before a byte is written. No uv lock and no git
 * init: the project and its repository are the user's. Returns the paths written.
 */
export async function writeAdoption(plan: AdoptionPlan, run: Run = new Run()): Promise<string[]> {
  const dir = resolve(plan.options.directory);
  // One run at a time in a project.
  let release: () => void;
  try {
    release = acquireProjectLock(dir, plan.options.directory);
  } catch (error) {
    throw targetFailure(error, plan.options.directory);
  }
  run.onAbort(release);
  try {
    const planned = new Map(plan.files.map((file) => [file.path, file.content]));
    // Temporary files a run killed before its commit point left beside the files it was writing.
    removeLeftovers(dir, planned.keys());
    const decided = decideAll({
      paths: planned.keys(),
      next: (path) => planned.get(path),
      base: () => undefined,
      disk: (path) => readOnDisk(dir, path),
      mode: (path) => fileMode(path, plan.owners.get(path) ?? 'create-fly-fastapi'),
    });
    const blocked = decided.open[0];
    if (blocked) throw new AdoptRefusal(`${blocked.path}: already there and not ours; move it aside, then run --adopt again (nothing was written)`);
    // A signal that came while deciding is seen here, before the first write.
    await run.checkpoint();
    applyWrites(dir, decided.writes, { journal: true });
    run.phase = 'written';
    return decided.writes.map((change) => change.path);
  } finally {
    release();
  }
}

export async function adopt(input: AdoptInput = {}): Promise<AdoptReport> {
  const prepared = await prepareAdoption(input);
  const written = await writeAdoption(prepared.plan);
  return { ...prepared, written };
}
