/**
 * An existing project's answers, as --adopt detected them from its files
 * (its fly.toml, its Python settings, its name), as one more AnswerSource:
 * after the flags, before the schema's defaults. What --adopt never does to
 * a project that exists (a database, workflows unless asked, launch, git,
 * lock) is fixed here too.
 */
import type { Detection } from '../adopt/detect.ts';
import type { AnswerSource } from '../options/resolve.ts';
import { appNameFromDirectory, type Environment, type ProjectOptions } from '../options/schema.ts';

/** Project names that name a role, not the project. */
const GENERIC_NAMES = new Set(['app', 'api', 'backend', 'server', 'service', 'web', 'main', 'src', 'project', 'fastapi', 'python', 'demo', 'example']);

/** What the project's own files answer; flags come first, the schema's defaults after. */
export function projectSource(directory: string, detection: Detection): AnswerSource {
  const { fly, project, python } = detection;
  // A name like `app` or `backend` says nothing on Fly (and is likely taken there): the project's folder says more.
  const own = project.name && !GENERIC_NAMES.has(appNameFromDirectory(project.name)) ? appNameFromDirectory(project.name) : undefined;
  const name = fly?.app ?? own ?? appNameFromDirectory(directory);
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
  // Where each answer was read, so a refusal names the file, not a flag that was never given.
  const nameFrom = fly?.app ? 'fly.toml' : own ? 'pyproject.toml [project] name' : 'folder name';
  const where = (key: string) => (key === 'python' ? 'Python settings' : key === 'name' ? nameFrom : 'fly.toml');
  return { origin: 'project', fixed: true, values, name: (def) => `${def.flag ? `--${def.flag}` : def.key} (read from the project's ${where(def.key)})` };
}

/**
 * The machine as an adoption sees it: the answers that depend on it (git,
 * lock) are fixed by the project source above, so no tool is looked up; a
 * project that exists is taken to be in a repository of its own.
 */
export const ADOPTION_ENVIRONMENT: Environment = { hasGit: false, hasUv: false, insideGitRepo: true };
