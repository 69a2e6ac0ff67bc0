/**
 * adopt(): a whole --adopt run in one call, and the two halves the command
 * line shows between (prepare: read, detect, resolve, plan; then write).
 * The same pipeline as create: answers from ordered sources, a pure plan,
 * one writer.
 */
import { resolve } from 'node:path';
import { planAdoption, type AdoptionPlan } from '../core/adoptPlan.ts';
import { UsageError } from '../options/errors.ts';
import { resolveAnswers, type AnswerSource } from '../options/resolve.ts';
import { appNameFromDirectory, type ProjectOptions } from '../options/schema.ts';
import { readProject } from '../steps/readProject.ts';
import { writeAdoption } from '../steps/writeAdoption.ts';
import { loadTemplates } from '../templates.ts';
import { VERSION } from '../version.ts';
import { textOf } from './files.ts';
import { AmbiguousEntrypoint } from './entrypoint.ts';
import { detectAdoption, type AdoptFlags, type Detection } from './detect.ts';

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

/** What the project's own files answer; flags come first, the schema's defaults after. */
function projectSource(directory: string, detection: Detection): AnswerSource {
  const { fly, project, python } = detection;
  const name = fly?.app ?? (project.name ? appNameFromDirectory(project.name) : undefined);
  const values: Partial<ProjectOptions> = {
    directory,
    name,
    regions: fly?.region ? [fly.region] : undefined,
    python: python.version,
    vmSize: fly?.vmSize,
    vmMemory: fly?.vmMemory,
    scaling: fly?.scaling,
    minMachines: fly?.minMachines,
    postgres: 'none',
    // Only when asked (--workflows): a project that exists may deploy its own way.
    workflows: false,
    launch: false,
    git: false,
    lock: false,
  };
  return { origin: 'project', fixed: true, values, name: (def) => `${def.flag ? `--${def.flag}` : def.key} (read from the project's ${def.key === 'python' ? 'Python settings' : 'fly.toml'})` };
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
