/**
 * The plan for --adopt: our Dockerfile, fly.toml and (when missing)
 * .dockerignore fitted to the detected project, an optional liveness module,
 * and the record. Pure, like planProject: the detection is data, the
 * templates are the same ones create renders.
 */
import { DEPLOY_WORKFLOW, type Detection } from './detect.ts';
import { adoptedDockerignore, neededPaths } from './dockerignore.ts';
import type { ProjectFiles } from './files.ts';
import { entrypointText } from './entrypoint.ts';
import type { AnswerOrigins } from '../options/resolve.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { GRACEFUL_SHUTDOWN_SECONDS, LIVENESS_PATH, baseFlyConfig, renderFlyToml, type FlyConfig } from '../plan/flyToml.ts';
import { InvariantError, checkServing } from '../plan/invariants.ts';
import type { PlannedFile, ProjectPlan } from '../plan/plan.ts';
import type { TemplateFiles } from '../templates/render.ts';
import type { FileOwner } from '../record/fileModes.ts';
import { RECORD_PATH, buildRecord, renderRecord, type AdoptionSettings, type GenerationRecord } from '../record/record.ts';
import type { Template } from '../templates/render.ts';
import { uvicornCommand } from '../plan/uvicorn.ts';
import { ACTIONS, DEBIAN_RELEASE, UV_VERSION, pinnedAction } from '../plan/versions.ts';

export type { AdoptionSettings } from '../record/record.ts';

export type AdoptionRecord = GenerationRecord & { mode: 'adopted'; adoption: AdoptionSettings };

export interface AdoptionPlan extends ProjectPlan {
  /** An adoption writes text only. */
  files: (PlannedFile & { content: string })[];
  record: AdoptionRecord;
  /** Things the user does by hand: include the health router, run uv lock. */
  todo: string[];
}

export interface AdoptPlanSettings {
  generatorVersion: string;
  origins?: AnswerOrigins;
}

/** The update workflow and its script, the same files a generated project gets with --workflows. */
const UPDATE_WORKFLOW_FILES = ['.github/workflows/create-fly-fastapi-update.yml', '.github/create-fly-fastapi-update.sh'];

function render(templates: TemplateFiles, key: string, context: object): string {
  const template: Template | undefined = templates.get(key);
  if (typeof template === 'function') return template(context);
  if (typeof template !== 'string') throw new Error(`template ${key} is ${template === undefined ? 'missing' : 'not text'}`);
  return template;
}

/** Where the liveness module goes: beside the entrypoint, inside its package when it has one. */
function healthModule(detection: Detection): { path: string; module: string } {
  const { entrypoint } = detection;
  const dir = entrypoint.file.split('/').slice(0, -1).join('/');
  const packagePath = entrypoint.module.split('.').slice(0, -1);
  return { path: dir ? `${dir}/fly_health.py` : 'fly_health.py', module: [...packagePath, 'fly_health'].join('.') };
}

function flyConfig(options: ProjectOptions, detection: Detection): FlyConfig {
  const fly = baseFlyConfig(options);
  const { port, health, alembic } = detection;
  fly.http_service.internal_port = port.port;
  if (alembic) fly.deploy.release_command = alembic.releaseCommand;
  if (health.kind === 'http') {
    fly.http_service.checks = [{ ...fly.http_service.checks[0]!, path: health.path }];
  } else {
    fly.http_service.checks = [];
    fly.checks = { alive: { type: 'tcp', port: port.port, grace_period: '10s', interval: '15s', timeout: '2s' } };
    // Blue-green waits on service checks to switch traffic; with a TCP check only, roll.
    fly.deploy.strategy = 'rolling';
  }
  return fly;
}

export function planAdoption(
  options: ProjectOptions,
  detection: Detection,
  templates: TemplateFiles,
  gitignore: string | undefined,
  settings: AdoptPlanSettings,
  project: ProjectFiles = { paths: new Set(), texts: new Map() },
): AdoptionPlan {
  const { entrypoint, port, alembic } = detection;
  const files = new Map<string, string>();
  const todo: string[] = [];
  const runtime = [...detection.runtime];

  if (detection.health.kind === 'http' && detection.health.addsModule) {
    const module = healthModule(detection);
    const importLine = `from ${module.module} import install_liveness`;
    const includeLine = `install_liveness(${entrypoint.factory ? 'app' : entrypoint.attribute})`;
    files.set(module.path, render(templates, 'adopt/fly_health.py.hbs', { importLine, includeLine, path: LIVENESS_PATH }));
    if (!runtime.some((unit) => module.path === unit || module.path.startsWith(`${unit}/`))) runtime.push(module.path);
    todo.push(`Include the liveness route in ${entrypoint.file}, or the deploy's health check fails: ${importLine}; then ${includeLine}`);
  }
  if (!detection.locked) todo.push('Run `uv lock`: the Docker build installs exactly what uv.lock pins');
  for (const line of detection.buildSteps) todo.push(`Your Dockerfile ran \`${line}\`, which ours does not: add it to ours if the image needs it`);

  const member = detection.member;
  const workdir = member?.dir ?? '';
  const home = workdir ? `/app/${workdir}` : '/app';
  const pythonPath = [...new Set([home, ...(entrypoint.appDir ? [`/app/${entrypoint.appDir}`] : [])])].join(':');
  // The image's CMD runs in the working directory: the member's, so paths from the root lose its folder.
  const inWorkdir = (path: string) => (!workdir ? path : path === workdir ? '' : path.startsWith(`${workdir}/`) ? path.slice(workdir.length + 1) : path);
  const dockerfile = render(templates, 'base/Dockerfile.hbs', {
    adopted: true,
    installProject: detection.builds || Boolean(member),
    workdir,
    pythonPath,
    python: options.python,
    debian: DEBIAN_RELEASE,
    uvVersion: UV_VERSION,
    runtimeFiles: runtime.sort(),
    port: port.port,
    gracefulShutdownSeconds: GRACEFUL_SHUTDOWN_SECONDS,
    workspacePackage: detection.member?.name ?? false,
    command: uvicornCommand({ target: `${entrypoint.module}:${entrypoint.attribute}`, port: port.port, factory: entrypoint.factory, appDir: inWorkdir(entrypoint.appDir) }),
  });
  const fly = flyConfig(options, detection);
  const toml = renderFlyToml(fly, [
    `Fly.io configuration for ${options.name}: https://fly.io/docs/reference/configuration/`,
    `Written by create-fly-fastapi ${settings.generatorVersion} --adopt from the project's own files.`,
  ]);

  const needs = [
    { path: entrypoint.file.split('/').slice(0, entrypoint.appDir ? entrypoint.appDir.split('/').length + 1 : 1).join('/'), who: 'the CMD' },
    ...(alembic ? [alembic.ini, alembic.folder].map((path) => ({ path, who: `the release command (${alembic.releaseCommand})` })) : []),
  ];
  try {
    checkServing(dockerfile, fly, needs, (path) => path);
  } catch (error) {
    // Detection and plan disagree: a defect here, never the user's doing.
    throw error instanceof InvariantError ? new Error(`internal: the adopted files do not agree: ${error.message}`) : error;
  }

  const target = (path: string) => (detection.besideTheirs.includes(path) ? `${path}.new` : path);
  files.set(target('Dockerfile'), dockerfile);
  files.set(target('fly.toml'), toml);
  if (options.workflows) {
    const actions = Object.fromEntries(Object.entries(ACTIONS).map(([key, action]) => [key, pinnedAction(action)]));
    files.set(target(DEPLOY_WORKFLOW), render(templates, `adopt/${DEPLOY_WORKFLOW.replace('.github', '_github')}.hbs`, { actions }));
    // Updates that arrive on their own, as a generated project has them: the weekly workflow and the script it runs.
    for (const path of UPDATE_WORKFLOW_FILES) files.set(path, render(templates, `workflows/${path.replace('.github', '_github')}${path.endsWith('.yml') ? '.hbs' : ''}`, { actions }));
  }
  if (detection.dockerignore) {
    const readme = detection.project.readme ? [member ? `${member.dir}/${detection.project.readme}` : detection.project.readme] : [];
    const needed = neededPaths(project, [...runtime, ...readme, ...(alembic ? [alembic.ini, `${alembic.folder}/env.py`] : []), ...(member ? [`${member.dir}/pyproject.toml`] : [])]);
    files.set('.dockerignore', adoptedDockerignore(render(templates, 'base/_dockerignore', {}), gitignore, project, needed));
  }

  const owners = new Map<string, FileOwner>([...files.keys()].map((path) => [path, 'create-fly-fastapi']));
  // We ask for no dependency: the project's pyproject.toml stays the user's alone.
  const dependencies = { main: [], dev: [] };
  const record: AdoptionRecord = {
    ...buildRecord({ generatorVersion: settings.generatorVersion, options, origins: settings.origins, owners, texts: files, dependencies }),
    mode: 'adopted',
    adoption: {
      entrypoint: entrypointText(entrypoint),
      appDir: entrypoint.appDir,
      package: detection.member?.name ?? null,
      python: options.python,
      port: port.port,
      runtime: runtime.sort(),
      releaseCommand: alembic?.releaseCommand ?? null,
      health: detection.health.kind === 'http' ? detection.health.path : 'tcp',
    },
  };
  files.set(RECORD_PATH, renderRecord(record));

  return {
    options,
    features: ['adopt'],
    files: [...files].map(([path, content]) => ({ path, content })).sort((a, b) => a.path.localeCompare(b.path)),
    record,
    dependencies,
    owners,
    once: new Set(),
    moved: new Map(),
    todo,
  };
}
