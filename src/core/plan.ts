/**
 * The pure core: options in, the list of files out. No I/O happens here, so a
 * dry run, the programmatic API and most tests cost nothing.
 */
import { rerunCommand } from '../options/rerun.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { findRegion } from '../regions.ts';
import { FEATURES, hasDatabase, replaysWrites, type Feature } from './features/index.ts';
import { databaseName, deployArgs, extraRegionArgs, formatCommand, launchArgs, primaryScaleArgs, unmanagedPostgresArgs } from './flyCommands.ts';
import { EXTERNAL_DATABASE_SECRET } from './nextSteps.ts';
import { GRACEFUL_SHUTDOWN_SECONDS, LIVENESS_PATH, READINESS_PATH, READINESS_TIMEOUT_SECONDS, baseFlyConfig, renderFlyToml } from './flyToml.ts';
import type { Template } from './render.ts';
import { ACTIONS, APP_PORT, DEBIAN_RELEASE, POSTGRES_MAJOR, UV_VERSION, pinnedAction } from './versions.ts';

/** Templates keyed by "<feature>/<path>", e.g. "base/app/main.py.hbs" (see loadTemplates). */
export type TemplateFiles = ReadonlyMap<string, Template>;

export interface PlannedFile {
  /** POSIX path relative to the project root. */
  path: string;
  content: string;
}

export interface ProjectPlan {
  options: ProjectOptions;
  features: string[];
  files: PlannedFile[];
}

export interface PlanSettings {
  /** create-fly-fastapi's version, stamped into the output. */
  generatorVersion: string;
}

/** "_gitignore" -> ".gitignore", "_github/x" -> ".github/x"; "__init__.py" stays. */
export function outputPath(templatePath: string): string {
  return templatePath
    .replace(/\.hbs$/, '')
    .split('/')
    .map((segment) => (/^_[^_]/.test(segment) ? `.${segment.slice(1)}` : segment))
    .join('/');
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

function templateContext(options: ProjectOptions, features: readonly Feature[], generatorVersion: string) {
  const [primaryRegion, ...extraRegions] = options.regions;
  const collect = (pick: (feature: Feature) => readonly string[] | undefined) =>
    unique(features.flatMap((feature) => pick(feature) ?? []));
  return {
    name: options.name,
    python: options.python,
    pythonTag: `py${options.python.replace('.', '')}`,
    debian: DEBIAN_RELEASE,
    uvVersion: UV_VERSION,
    postgresMajor: POSTGRES_MAJOR,
    actions: Object.fromEntries(Object.entries(ACTIONS).map(([key, action]) => [key, pinnedAction(action)])),
    port: APP_PORT,
    gracefulShutdownSeconds: GRACEFUL_SHUTDOWN_SECONDS,
    livenessPath: LIVENESS_PATH,
    readinessPath: READINESS_PATH,
    readinessTimeoutSeconds: READINESS_TIMEOUT_SECONDS,
    primaryRegion,
    primaryCity: findRegion(primaryRegion!)?.city ?? primaryRegion,
    extraRegions,
    multiRegion: extraRegions.length > 0,
    regionList: options.regions.join(', '),
    postgres: hasDatabase(options),
    postgresKind: options.postgres,
    managedPostgres: options.postgres === 'managed',
    unmanagedPostgres: options.postgres === 'unmanaged',
    externalPostgres: options.postgres === 'external',
    replay: replaysWrites(options),
    dbName: options.name.replaceAll('-', '_'),
    databaseApp: databaseName(options),
    scaling: options.scaling,
    minMachines: options.minMachines,
    vmSize: options.vmSize,
    vmMemory: options.vmMemory,
    workflows: options.workflows,
    dependencies: collect((feature) => feature.dependencies),
    devDependencies: collect((feature) => feature.devDependencies),
    runtimeFiles: collect((feature) => feature.runtimeFiles),
    launchCommand: formatCommand('fly', launchArgs(options)),
    externalDatabaseSecret: EXTERNAL_DATABASE_SECRET,
    postgresCommands: unmanagedPostgresArgs(options).map((args) => formatCommand('fly', args)),
    deployCommand: formatCommand('fly', deployArgs(options)),
    deployStrategy: baseFlyConfig(options).deploy.strategy,
    primaryScaleCommands: primaryScaleArgs(options).map((args) => formatCommand('fly', args)),
    scaleCommands: extraRegionArgs(options).map((args) => formatCommand('fly', args)),
    rerunCommand: rerunCommand(options),
    generatorVersion,
  };
}

export function planProject(options: ProjectOptions, templates: TemplateFiles, settings: PlanSettings): ProjectPlan {
  const features = FEATURES.filter((feature) => feature.applies(options));
  const context = templateContext(options, features, settings.generatorVersion);
  const files = new Map<string, string>();

  for (const feature of features) {
    const prefix = `${feature.id}/`;
    for (const [key, template] of templates) {
      if (!key.startsWith(prefix)) continue;
      const content = typeof template === 'string' ? template : template(context);
      files.set(outputPath(key.slice(prefix.length)), content);
    }
  }

  const fly = baseFlyConfig(options);
  for (const feature of features) feature.configureFly?.(fly, options);
  files.set(
    'fly.toml',
    renderFlyToml(fly, [
      `Fly.io configuration for ${options.name}: https://fly.io/docs/reference/configuration/`,
      `Generated by create-fly-fastapi ${settings.generatorVersion}. Recreate the project with:`,
      `  ${context.rerunCommand}`,
    ]),
  );

  return {
    options,
    features: features.map((feature) => feature.id),
    files: [...files].map(([path, content]) => ({ path, content })).sort((a, b) => a.path.localeCompare(b.path)),
  };
}
