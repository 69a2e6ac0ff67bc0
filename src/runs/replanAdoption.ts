/**
 * The plan an update makes for a project that --adopt took. Detection runs
 * again on the project as the user has it: the files we wrote are set aside,
 * so ours are never read as theirs (our Dockerfile's CMD, our fly.toml's
 * port). What the first run settled comes back as flags (the entrypoint,
 * the workspace member, ours beside theirs, the health module), and the
 * answers come from the record and the update's own flags. The result is an
 * AdoptionPlan, which update() reconciles like any other plan.
 */
import { resolve } from 'node:path';
import { planAdoption, type AdoptionPlan } from '../adopt/plan.ts';
import type { ReadRecord } from '../record/readRecord.ts';
import { RECORD_PATH } from '../record/record.ts';
import { ADOPTION_ENVIRONMENT } from '../sources/project.ts';
import { keptOrigins, recordSource } from '../sources/record.ts';
import { AdoptRefusal, RefusedError, UsageError } from '../errors.ts';
import { resolveAnswers, type AnswerOrigins } from '../options/resolve.ts';
import { NOT_WITH_ADOPT } from '../options/runFlags.ts';
import { flagName, OPTIONS, type ProjectOptions } from '../options/schema.ts';
import { readProject } from '../write/readProject.ts';
import type { TemplateFiles } from '../templates/render.ts';
import { VERSION } from '../version.ts';
import { detectAdoption } from '../adopt/detect.ts';
import { textOf, type ProjectFiles } from '../adopt/files.ts';

export interface Replanned {
  options: ProjectOptions;
  origins: AnswerOrigins;
  plan: AdoptionPlan;
}

/** The project without what we wrote (and without our record). */
function theirs(files: ProjectFiles, ours: ReadonlySet<string>): ProjectFiles {
  return {
    paths: new Set([...files.paths].filter((path) => !ours.has(path))),
    texts: new Map([...files.texts].filter(([path]) => !ours.has(path))),
  };
}

export async function replanAdoption(dir: string, record: ReadRecord, given: Partial<ProjectOptions>, shown: string, templates: TemplateFiles): Promise<Replanned> {
  const settings = record.adoption;
  if (!settings) throw new RefusedError(`${shown}/${RECORD_PATH}: mode is "adopted" but the adoption settings are missing`);
  // An update writes files only: launching is --adopt's (or create's) last step, not an update's.
  const refused = [...NOT_WITH_ADOPT, 'launch' as const, 'org' as const].find((key) => given[key] !== undefined);
  if (refused) {
    const def = OPTIONS.find((option) => option.key === refused)!;
    throw new UsageError(`${flagName(def)}: does not apply to a project --adopt took (its code and database are its own)`);
  }
  const written = Object.keys(record.files);
  const files = theirs(readProject(resolve(dir)), new Set([...written, RECORD_PATH]));
  const { options, origins } = await resolveAnswers(given, { env: ADOPTION_ENVIRONMENT, yes: true, sources: [recordSource(record, shown)] });
  let detection;
  try {
    detection = detectAdoption(files, {
      entrypoint: settings.entrypoint,
      package: settings.package ?? undefined,
      python: options.python,
      newFiles: written.some((path) => path.endsWith('.new')),
      addHealth: written.some((path) => path === 'fly_health.py' || path.endsWith('/fly_health.py')),
      workflows: options.workflows,
    });
  } catch (error) {
    // The entrypoint and member came from the record, not from flags given now: an update refuses (exit 6) and names the record.
    if (!(error instanceof AdoptRefusal) && !(error instanceof UsageError)) throw error;
    const message = (error as Error).message.replace(/^--entrypoint: /, `${shown}/${RECORD_PATH} adoption.entrypoint: `).replace(/^--package: /, `${shown}/${RECORD_PATH} adoption.package: `);
    throw new RefusedError(`${message}; the project changed since --adopt: adopt it again (remove the record first), or fix the record`);
  }
  const plan = planAdoption(options, detection, templates, textOf(files, '.gitignore'), { generatorVersion: VERSION, origins: keptOrigins(record, origins) });
  return { options, origins, plan };
}
