/**
 * The package's programmatic API: exports only. `create()` does a whole run
 * in one call; the pieces it is made of (resolve, plan, write) are here too.
 */
export { readProjectRecord } from './updateSources.ts';
export { update, type UpdateOptions, type UpdateReport, type UpdateFile, type UpdateStatus, type Conflict } from './update.ts';
export { reconcileFile, mergeCheck, type Decision, type Action, type Base } from './core/reconcile.ts';
export { create, prepareKit, kitAnswerSources, detectEnvironment, type CreateOptions, type CreateReport, type FileStatus, type StepName, type StepOutcome } from './create.ts';
export { createProject, type CreateResult, type CreateSettings, type Progress, type Step } from './steps/project.ts';
export { EXIT, AdoptRefusal, CancelledError, RefusedError, TargetError, UsageError } from './options/errors.ts';
export { adopt, prepareAdoption, type AdoptInput, type AdoptReport, type PreparedAdoption } from './adopt/run.ts';
export { detectAdoption, type AdoptFlags, type Detection, type HealthCheck } from './adopt/detect.ts';
export { planAdoption, type AdoptionPlan, type AdoptionRecord, type AdoptionSettings } from './core/adoptPlan.ts';
export { KitError } from './kit/errors.ts';
export { parseArgs } from './options/args.ts';
export {
  resolveOptions,
  resolveAnswers,
  flagSource,
  type Asker,
  type AnswerOrigin,
  type AnswerOrigins,
  type AnswerSource,
  type ResolveSettings,
  type ResolvedAnswers,
} from './options/resolve.ts';
export { rerunCommand } from './options/rerun.ts';
export * from './options/schema.ts';
export { REGIONS, RETIRED_REGIONS, type Region } from './regions.ts';
export { planProject, type PlannedFile, type PlanSettings, type ProjectPlan, type TemplateFiles } from './core/plan.ts';
export { RECORD_PATH, RECORD_FORMAT, type GenerationRecord, type FileOwner } from './core/record.ts';
export { nextSteps, type Outcome } from './core/nextSteps.ts';
export { launchArgs, unmanagedPostgresArgs, extraRegionArgs } from './core/flyCommands.ts';
export { launchApp, describeLaunch, type LaunchMessage, type LaunchResult, type LaunchSettings } from './steps/launch.ts';
export { fetchKit, type FetchedKit } from './kit/fetch.ts';
export { loadKit } from './kit/load.ts';
export { satisfies } from './kit/semver.ts';
export type { Kit, KitSource } from './kit/types.ts';
export { loadTemplates } from './templates.ts';
export { VERSION } from './version.ts';
