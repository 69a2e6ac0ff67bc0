/**
 * Writes an adoption plan: only new files, never one of the user's. The one
 * write step of --adopt, on create's writer (staging beside the project, then
 * link() into place, which fails rather than replace a file that appeared
 * meanwhile); no uv lock and no git init, since the project and its
 * repository are the user's. When reconcile and applyWrites arrive, this is
 * the function to swap for them.
 */
import type { AdoptionPlan } from '../core/adoptPlan.ts';
import { createProject } from './project.ts';

export async function writeAdoption(plan: AdoptionPlan): Promise<string[]> {
  const options = { ...plan.options, lock: false, git: false, launch: false };
  // force: the folder is not empty, which is the point; a planned path that exists with other bytes is still refused.
  const result = await createProject({ ...plan, options }, { force: true });
  return result.written;
}
