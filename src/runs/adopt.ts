/**
 * adopt(): a whole --adopt run in one call, and the two halves the command
 * line shows between (prepare: read, detect, resolve, plan; then write).
 * The same pipeline as create: answers from ordered sources, a pure plan,
 * one writer.
 */
import { resolve } from 'node:path';
import { planAdoption, type AdoptionPlan } from '../adopt/plan.ts';
import { UsageError } from '../errors.ts';
import { resolveAnswers } from '../options/resolve.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { projectSource } from '../sources/project.ts';
import { readProject } from '../write/readProject.ts';
import { writeAdoption } from './writeAdoption.ts';
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
  const env = { hasGit: false, hasUv: false, insideGitRepo: true };
  const { options, origins } = await resolveAnswers({ ...given, directory }, { env, yes: true, sources: [projectSource(directory, detection)] });
  if (options.python !== detection.python.version) throw new UsageError('internal: the Python chosen and the one detected differ');
  const templates = await loadTemplates();
  const plan = planAdoption(options, detection, templates, textOf(files, '.gitignore'), { generatorVersion: VERSION, origins });
  return { dir, detection, plan };
}

export async function adopt(input: AdoptInput = {}): Promise<AdoptReport> {
  const prepared = await prepareAdoption(input);
  const written = await writeAdoption(prepared.plan);
  return { ...prepared, written };
}
