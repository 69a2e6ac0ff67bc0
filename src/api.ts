/**
 * The package's programmatic API: exports only. `create()` does a whole run
 * in one call; the pieces it is made of (resolve, plan, write) are here too.
 */
export { readProjectRecord } from './runs/updateSources.ts';
export { update, type UpdateOptions, type UpdateReport, type UpdateFile, type UpdateStatus, type Conflict } from './runs/update.ts';
export { reconcileFile, mergeCheck, type Decision, type Action, type Base } from './reconcile/reconcile.ts';
export { prepareKit } from './kit/prepare.ts';
export { kitAnswerSources } from './sources/kit.ts';
export { detectEnvironment } from './steps/tools.ts';
export { create, type CreateOptions, type CreateReport, type FileStatus, type StepName, type StepOutcome } from './runs/create.ts';
export { createProject, type CreateResult, type CreateSettings, type Progress, type Step } from './runs/createProject.ts';
export { EXIT, AdoptRefusal, CancelledError, RefusedError, TargetError, UsageError } from './errors.ts';
export { adopt, prepareAdoption, type AdoptInput, type AdoptReport, type PreparedAdoption } from './runs/adopt.ts';
export { detectAdoption, type AdoptFlags, type Detection, type HealthCheck } from './adopt/detect.ts';
export { planAdoption, type AdoptionPlan, type AdoptionRecord, type AdoptionSettings } from './adopt/plan.ts';
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
export * from './options/runFlags.ts';
export { REGIONS, RETIRED_REGIONS, type Region } from './options/regions.ts';
export { planProject, type PlannedFile, type PlanSettings, type ProjectPlan } from './plan/plan.ts';
export type { TemplateFiles } from './templates/render.ts';
export { RECORD_PATH, RECORD_FORMAT, type GenerationRecord } from './record/record.ts';
export type { FileOwner } from './record/fileModes.ts';
export { nextSteps, type Outcome } from './plan/nextSteps.ts';
export { launchArgs, unmanagedPostgresArgs, extraRegionArgs } from './plan/flyCommands.ts';
export { launchApp, type LaunchResult, type LaunchSettings } from './steps/launch.ts';
export { describeLaunch, type LaunchMessage } from './steps/launchMessages.ts';
export { fetchKit, type FetchedKit } from './kit/fetch.ts';
export { loadKit } from './kit/load.ts';
export { satisfies } from './kit/semver.ts';
export type { Kit, KitSource } from './kit/types.ts';
export { loadTemplates } from './templates/load.ts';
export { VERSION } from './version.ts';
