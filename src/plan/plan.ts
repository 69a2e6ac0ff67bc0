/**
 * The pure core: options in, the list of files out. No I/O happens here, so a
 * dry run, the programmatic API and most tests cost nothing.
 */
import { KitError } from '../kit/errors.ts';
import { KIT_FEATURE_ID, kitFeature, kitFilePath, withKitFiles } from './features/kit.ts';
import { kitOutputPath } from '../kit/load.ts';
import type { Content } from '../content.ts';
import type { Kit } from '../kit/types.ts';
import { rerunCommand } from '../options/rerun.ts';
import type { AnswerOrigins } from '../options/resolve.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { findRegion } from '../options/regions.ts';
import { requirementName } from '../options/rules.ts';
import { FEATURES, hasDatabase, replaysWrites, type Feature } from './features/index.ts';
import { databaseName, deployArgs, extraRegionArgs, formatCommand, launchArgs, primaryScaleArgs, unmanagedPostgresArgs } from './flyCommands.ts';
import { EXTERNAL_DATABASE_SECRET } from './nextSteps.ts';
import { GRACEFUL_SHUTDOWN_SECONDS, LIVENESS_PATH, READINESS_PATH, READINESS_TIMEOUT_SECONDS, baseFlyConfig, renderFlyToml } from './flyToml.ts';
import { InvariantError, checkInvariants } from './invariants.ts';
import { uvicornCommand } from './uvicorn.ts';
import { RECORD_PATH, buildRecord, renderRecord } from '../record/record.ts';
import type { FileOwner } from '../record/fileModes.ts';
import { outputPath, type TemplateFiles } from '../templates/render.ts';
import { ACTIONS, APP_PORT, DEBIAN_RELEASE, POSTGRES_MAJOR, UV_VERSION, pinnedAction } from './versions.ts';

/** Templates keyed by "<feature>/<path>", e.g. "base/app/main.py.hbs" (see loadTemplates). */

export interface PlannedFile {
  /** POSIX path relative to the project root. */
  path: string;
  /** Text, or the exact bytes of a file that is not text (a kit's image). */
  content: Content;
  /** Written with its executable bits (a kit's script). */
  executable?: true;
}

export interface ProjectPlan {
  options: ProjectOptions;
  features: string[];
  files: PlannedFile[];
  /** What pyproject.toml asks for; an update adds and removes the difference with uv. */
  dependencies: { main: string[]; dev: string[] };
  /** Who provides each file but the record. */
  owners: ReadonlyMap<string, FileOwner>;
  /** Paths written once and then the user's: an update never writes them again (a kit's [files] once). */
  once: ReadonlySet<string>;
  /** Files that moved since an earlier version, old path to new: an update carries your edits across. */
  moved: ReadonlyMap<string, string>;
}

/** Our own files that moved between versions of create-fly-fastapi (old path -> new); a kit adds its [moved]. */
export const MOVED: ReadonlyMap<string, string> = new Map();

export interface PlanSettings {
  /** create-fly-fastapi's version, stamped into the output. */
  generatorVersion: string;
  /** A starter kit laid over the project: its files, dependencies, [env] and removals. */
  kit?: Kit;
  /** Where each answer came from, for the record. */
  origins?: AnswerOrigins;
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** One requirement per distribution; a later feature's (a kit's) replaces an earlier one's. */
function mergeRequirements(requirements: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const requirement of requirements) {
    const name = requirementName(requirement) ?? requirement;
    byName.delete(name);
    byName.set(name, requirement);
  }
  return [...byName.values()];
}

function templateContext(options: ProjectOptions, features: readonly Feature[], settings: PlanSettings) {
  const { generatorVersion, kit } = settings;
  const [primaryRegion, ...extraRegions] = options.regions;
  const collect = (pick: (feature: Feature) => readonly string[] | undefined) =>
    unique(features.flatMap((feature) => pick(feature) ?? []));
  const requirements = (pick: (feature: Feature) => readonly string[] | undefined) =>
    mergeRequirements(features.flatMap((feature) => pick(feature) ?? []));
  return {
    name: options.name,
    python: options.python,
    pythonTag: `py${options.python.replace('.', '')}`,
    debian: DEBIAN_RELEASE,
    uvVersion: UV_VERSION,
    postgresMajor: POSTGRES_MAJOR,
    actions: Object.fromEntries(Object.entries(ACTIONS).map(([key, action]) => [key, pinnedAction(action)])),
    port: APP_PORT,
    command: uvicornCommand({ target: 'app.main:app', port: APP_PORT }),
    workspacePackage: false,
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
    dependencies: requirements((feature) => feature.dependencies),
    devDependencies: requirements((feature) => feature.devDependencies),
    runtimeFiles: collect((feature) => feature.runtimeFiles),
    launchCommand: formatCommand('fly', launchArgs(options)),
    externalDatabaseSecret: EXTERNAL_DATABASE_SECRET,
    postgresCommands: unmanagedPostgresArgs(options).map((args) => formatCommand('fly', args)),
    deployCommand: formatCommand('fly', deployArgs(options)),
    deployStrategy: baseFlyConfig(options).deploy.strategy,
    primaryScaleCommands: primaryScaleArgs(options).map((args) => formatCommand('fly', args)),
    scaleCommands: extraRegionArgs(options).map((args) => formatCommand('fly', args)),
    rerunCommand: rerunCommand(options, kit?.source.spec),
    generatorVersion,
    kit: kit ? { name: kit.name, version: kit.version, source: kit.source.spec } : false,
  };
}

/** Every path a feature of ours can write, whatever the options: what a kit may name in `remove`. */
function ourPaths(templates: TemplateFiles): Set<string> {
  const paths = new Set(['fly.toml']);
  for (const key of templates.keys()) if (!key.startsWith(`${KIT_FEATURE_ID}/`)) paths.add(outputPath(key.slice(key.indexOf('/') + 1)));
  return paths;
}

/** A kit file where one of the project's files needs a folder, or the reverse (`fly.toml/x`, a file `app`): named, never left to the writer. */
function checkNoFileUnderFile(files: ReadonlyMap<string, unknown>, blame: ReadonlyMap<string, string>): void {
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let index = 1; index < parts.length; index++) {
      const folder = parts.slice(0, index).join('/');
      if (!files.has(folder) && folder !== 'fly.toml' && folder !== 'uv.lock') continue;
      const kitSide = blame.get(path) ?? blame.get(folder);
      throw new KitError(`${kitSide ?? path}: ${folder} is a file of the project, so nothing can be written under it as a folder`);
    }
  }
}

/** The text files of a plan: what the invariants and a merge check read (a kit's image is neither). */
export function textsOf(files: ReadonlyMap<string, Content>): ReadonlyMap<string, string> {
  return new Map([...files].filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export function planProject(options: ProjectOptions, templates: TemplateFiles, settings: PlanSettings): ProjectPlan {
  const { kit } = settings;
  const features = [...FEATURES.filter((feature) => feature.applies(options)), ...(kit ? [kitFeature(kit)] : [])];
  const context = templateContext(options, features, settings);
  const sources = kit ? withKitFiles(templates, kit) : templates;
  const files = new Map<string, Content>();
  const owners = new Map<string, FileOwner>();
  const executables = new Set<string>();
  /** For messages: the kit file (or kit.toml key) a path comes from. */
  const blame = new Map<string, string>();

  for (const feature of features) {
    const prefix = `${feature.id}/`;
    for (const [key, template] of sources) {
      if (!key.startsWith(prefix)) continue;
      const relative = key.slice(prefix.length);
      const fromKit = kit !== undefined && feature.id === KIT_FEATURE_ID;
      const path = fromKit ? kitOutputPath(kit.literal, relative) : outputPath(relative);
      const content = typeof template === 'function' ? template(context) : template;
      // A kit template (.hbs) that renders to nothing is left out: how a kit file depends on the options. A file that is empty as shipped is written.
      if (fromKit && typeof template === 'function' && (content as string).trim() === '') continue;
      if (fromKit && kit.executables.has(relative)) executables.add(path);
      else executables.delete(path);
      // Two kit files that land on one path (`_foo` and `.foo`, `x` and `x.hbs`): neither may silently win.
      const earlier = kit && feature.id === KIT_FEATURE_ID ? blame.get(path) : undefined;
      if (earlier) throw new KitError(`${kitFilePath(kit!, key.slice(prefix.length))}: writes ${path}, as ${earlier} does; keep one of them`);
      files.set(path, content);
      owners.set(path, feature.id === KIT_FEATURE_ID ? 'kit' : 'create-fly-fastapi');
      if (kit && feature.id === KIT_FEATURE_ID) blame.set(path, kitFilePath(kit, key.slice(prefix.length)));
    }
  }

  if (kit) {
    const ours = ourPaths(templates);
    for (const path of kit.remove) {
      if (!ours.has(path)) throw new KitError(`${kit.file} [files] remove: '${path}' is not a file create-fly-fastapi writes`);
      if (path === 'fly.toml') throw new KitError(`${kit.file} [files] remove: fly.toml is needed: it is the app's configuration`);
      files.delete(path);
      owners.delete(path);
      blame.set(path, `${kit.file} [files] remove`);
    }
  }

  if (kit) checkNoFileUnderFile(files, blame);

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
  owners.set('fly.toml', 'create-fly-fastapi');

  try {
    checkInvariants(textsOf(files), fly, (path) => blame.get(path) ?? path);
  } catch (error) {
    // Ours always hold (test/plan.test.ts renders every combination): a broken one is the kit's doing.
    throw error instanceof InvariantError && kit ? new KitError(error.message) : error;
  }

  const dependencies = { main: context.dependencies, dev: context.devDependencies };
  const once = new Set(kit ? [...kit.once].filter((path) => files.has(path)) : []);
  const record = buildRecord({ generatorVersion: settings.generatorVersion, options, origins: settings.origins, kit, owners, texts: files, executables, seeds: once, dependencies });
  files.set(RECORD_PATH, renderRecord(record));

  return {
    options,
    features: features.map((feature) => feature.id),
    dependencies,
    owners,
    once,
    moved: new Map([...MOVED, ...(kit?.moved ?? [])]),
    files: [...files].map(([path, content]) => ({ path, content, ...(executables.has(path) && { executable: true as const }) })).sort((a, b) => a.path.localeCompare(b.path)),
  };
}
