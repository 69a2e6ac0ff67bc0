/**
 * Everything --adopt needs to know about a project, from its files alone,
 * each answer with where it came from; or one refusal saying what stops it
 * and what to do. Pure: the files are read by src/write/readProject.ts.
 */
import { parse } from 'smol-toml';
import { LIVENESS_PATH } from '../plan/flyToml.ts';
import { RECORD_PATH } from '../record/record.ts';
import { AdoptRefusal } from '../errors.ts';
import type { PythonVersion } from '../options/schema.ts';
import { hasFile, textOf, type ProjectFiles } from './files.ts';
import { findEntrypoint, type Entrypoint } from './entrypoint.ts';
import { choosePort, dockerfileCommand, procfileWeb, readFlyToml, type ExistingFly, type PortChoice } from './existing.ts';
import { readPyProject, type PyProject } from './pyproject.ts';
import { choosePython, type PythonChoice } from './python.ts';
import { readLock } from './lock.ts';
import { getRoutes } from './pythonSource.ts';
import { reachableRoutes } from './routes.ts';
import { chooseMember, fromRoot, memberView, type Member } from './workspace.ts';
import { findAlembic, runtimeUnits, type Alembic } from './runtime.ts';

export interface AdoptFlags {
  entrypoint?: string;
  /** A uv workspace member to adopt. */
  package?: string;
  python?: PythonVersion;
  /** Write Dockerfile.new / fly.toml.new beside files that are not ours. */
  newFiles?: boolean;
  /** Write a small liveness module and check it. */
  addHealth?: boolean;
  /** Write the deploy workflow (--workflows). */
  workflows?: boolean;
  /** Adopt even when `uv lock --check` says uv.lock is out of date (--allow-stale-lock). */
  staleLock?: boolean;
}

/** The service check: a GET path the app already answers, our module's, or a TCP connect. */
export type HealthCheck = { kind: 'http'; path: string; from: string; addsModule?: true } | { kind: 'tcp'; from: string };

export interface Detection {
  project: PyProject;
  uv: string;
  /** uv.lock is there; without it the build cannot run `uv sync --locked`. */
  locked: boolean;
  fastapi: string;
  entrypoint: Entrypoint;
  python: PythonChoice;
  port: PortChoice;
  alembic: Alembic | undefined;
  /** Files and folders the runtime image copies. */
  runtime: string[];
  health: HealthCheck;
  fly: ExistingFly | undefined;
  /** Paths written as `<path>.new` because a file not ours is there. */
  besideTheirs: string[];
  /** Write .dockerignore (there is none). */
  dockerignore: boolean;
  /** The uv workspace member adopted (--package); paths above are from the root. */
  member: Member | undefined;
  /** uv installs the project itself into the image (it has a build system). */
  builds: boolean;
  /** An existing Dockerfile's RUN lines that are not dependency installs: ours does not run them. */
  buildSteps: string[];
}

/** The one workflow --adopt writes with --workflows: deploy main. */
export const DEPLOY_WORKFLOW = '.github/workflows/fly-deploy.yml';

const LIVENESS_NAMES = ['/healthz', '/health', '/livez', '/ping', '/status', '/_health'];

function refuseOtherTools(files: ProjectFiles): void {
  const howToMove = 'move it to uv first (`uvx migrate-to-uv`, then `uv lock`), then run --adopt again';
  if (hasFile(files, 'poetry.lock')) throw new AdoptRefusal(`poetry.lock: this is a Poetry project; ${howToMove}`);
  if (hasFile(files, 'Pipfile')) throw new AdoptRefusal(`Pipfile: this is a Pipenv project; ${howToMove}`);
  if (!hasFile(files, 'pyproject.toml')) {
    const requirements = [...files.paths].find((path) => /^requirements[\w.-]*\.(txt|in)$/.test(path));
    if (requirements) throw new AdoptRefusal(`${requirements}: a requirements-only project has no pyproject.toml; ${howToMove}`);
    throw new AdoptRefusal('pyproject.toml: not found; --adopt takes a FastAPI project managed with uv');
  }
}

function chooseHealth(files: ProjectFiles, entry: Entrypoint, flags: AdoptFlags): HealthCheck {
  if (flags.addHealth) return { kind: 'http', path: LIVENESS_PATH, from: 'the module --add-health writes', addsModule: true };
  // Routes on the app itself first, then behind routers with literal prefixes (`/v1/health`).
  const own = entry.factory ? [] : getRoutes(textOf(files, entry.file) ?? '', entry.attribute);
  const path = LIVENESS_NAMES.find((name) => own.includes(name));
  if (path) return { kind: 'http', path, from: `GET ${path} in ${entry.file}` };
  const reachable = entry.factory ? [] : reachableRoutes(files, entry.file, entry.attribute, entry.appDir);
  const behind = LIVENESS_NAMES.map((name) => reachable.find((route) => route.endsWith(name) || route.endsWith(`${name}/`))).find(Boolean);
  if (behind) return { kind: 'http', path: behind, from: `GET ${behind}, through the routers ${entry.file} includes` };
  return { kind: 'tcp', from: 'no liveness route found (add one with --add-health)' };
}

/** Installs of dependencies and system housekeeping our Dockerfile does its own way; anything else is the project's build. */
const INSTALLS = /^(?:uv\s+(?:sync|pip|venv|lock)|pip3?\s+install|python3?\s+-m\s+(?:pip|venv)|\.?\/?\S*\/pip3?\s+install|(?:useradd|groupadd|adduser|addgroup)\b|chown\b|chmod\b|mkdir\b|echo\b|true\b|rm\s)/;

export function buildSteps(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => /^RUN\s/i.test(line))
    .filter((line) => {
      const command = line.replace(/^RUN\s+(?:--\S+\s+)*/i, '');
      return command.split(/\s*(?:&&|;)\s*/).some((part) => part && !INSTALLS.test(part.replace(/^\.\s+\S+$/, 'true')) && !/^(?:\.|source)\s/.test(part) && !/^apt-get\s+(?:update|clean)|^rm\s+-rf\s+\/var\/lib\/apt/.test(part));
    });
}

export function detectAdoption(files: ProjectFiles, flags: AdoptFlags = {}): Detection {
  if (hasFile(files, RECORD_PATH)) {
    throw new AdoptRefusal(`${RECORD_PATH}: this project already has our record; run --update instead of --adopt`);
  }
  refuseOtherTools(files);
  const project = readPyProject(textOf(files, 'pyproject.toml') ?? '');
  if (project.poetry) throw new AdoptRefusal('pyproject.toml [tool.poetry]: this is a Poetry project; move it to uv first (`uvx migrate-to-uv`, then `uv lock`), then run --adopt again');
  const locked = hasFile(files, 'uv.lock');
  const requirements = [...files.paths].find((path) => /^requirements[\w.-]*\.(txt|in)$/.test(path));
  if (!project.hasProject && project.workspaceMembers.length === 0 && requirements) {
    // `uv lock` here would lock nothing, and `uv init` refuses an existing pyproject.toml.
    throw new AdoptRefusal(`pyproject.toml: only tool settings, no [project] table; add one (name, version, requires-python), then \`uv add -r ${requirements}\`, then run --adopt again`);
  }
  if (!locked && !project.usesUvTable) {
    throw new AdoptRefusal('uv.lock: not found, and pyproject.toml has no [tool.uv]: run `uv lock` to manage the project with uv, then run --adopt again');
  }
  if (project.workspaceMembers.length > 0 || flags.package) {
    if (project.workspaceMembers.length === 0) throw new AdoptRefusal(`--package: pyproject.toml declares no [tool.uv.workspace]; give --package only for a workspace member`);
    const member = chooseMember(files, project.workspaceMembers, flags.package);
    // The name goes into a RUN line: only what a package name can hold, so it needs no quoting.
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(member.name)) throw new AdoptRefusal(`${member.dir}/pyproject.toml: the project name '${member.name}' is not a valid package name`);
    // The folder becomes the image's WORKDIR.
    if (!/^[\w./-]+$/.test(member.dir)) throw new AdoptRefusal(`${member.dir}/: a workspace member folder the Dockerfile's WORKDIR cannot name as it is; rename it (letters, digits, . _ - /)`);
    const detection = inMember(detectProject(memberView(files, member), flags, member), member);
    // The member's own Dockerfile (built from the root, as compose does) may hold steps ours does not run.
    const own = textOf(files, `${member.dir}/Dockerfile`);
    return own === undefined ? detection : { ...detection, buildSteps: [...detection.buildSteps, ...buildSteps(own)] };
  }
  return detectProject(files, flags, undefined);
}

/** Paths from the member's view made paths of the build context. */
function inMember(detection: Detection, member: Member): Detection {
  const { entrypoint } = detection;
  // The image's working directory is the member's folder, so Alembic's relative paths hold as in development.
  return {
    ...detection,
    alembic: detection.alembic && { ...detection.alembic, ini: fromRoot(member, detection.alembic.ini), folder: fromRoot(member, detection.alembic.folder), runsIn: fromRoot(member, detection.alembic.runsIn) },
    entrypoint: { ...entrypoint, file: fromRoot(member, entrypoint.file), appDir: fromRoot(member, entrypoint.appDir) },
    runtime: detection.runtime.map((unit) => fromRoot(member, unit)),
    health: detection.health.kind === 'http' && !detection.health.addsModule ? { ...detection.health, from: detection.health.from.replace(entrypoint.file, fromRoot(member, entrypoint.file)) } : detection.health,
  };
}

function detectProject(files: ProjectFiles, flags: AdoptFlags, member: Member | undefined): Detection {
  const where = fromRoot(member, 'pyproject.toml');
  const project = readPyProject(textOf(files, 'pyproject.toml') ?? '', where);
  const locked = hasFile(files, 'uv.lock');
  const fastapi = project.dependencies.find((name) => name === 'fastapi' || name === 'fastapi-slim');
  if (!fastapi) {
    const raw = (() => {
      try {
        return (parse(textOf(files, 'pyproject.toml') ?? '') as { project?: { dependencies?: unknown } }).project?.dependencies;
      } catch {
        return undefined;
      }
    })();
    if (raw !== undefined && !Array.isArray(raw)) throw new AdoptRefusal(`${where}: [project] dependencies must be a list of requirements, like ["fastapi[standard]"]`);
    throw new AdoptRefusal(`${where}: [project] dependencies do not list fastapi; --adopt takes FastAPI projects`);
  }

  if (!project.hasUvicorn) {
    throw new AdoptRefusal(`${where}: [project] dependencies install no server; the image runs uvicorn: \`uv add uvicorn\`, then run --adopt again`);
  }

  const flyText = textOf(files, 'fly.toml');
  const fly = flyText === undefined ? undefined : readFlyToml(flyText);
  const commands: { words: string[]; from: string }[] = [];
  const procfile = textOf(files, 'Procfile');
  const web = procfile === undefined ? undefined : procfileWeb(procfile);
  if (web) commands.push({ words: web, from: 'the Procfile web process' });
  const dockerfile = textOf(files, 'Dockerfile');
  const cmd = dockerfile === undefined ? undefined : dockerfileCommand(dockerfile);
  if (cmd) commands.push({ words: cmd, from: "the existing Dockerfile's CMD" });

  const entrypoint = findEntrypoint(files, { flag: flags.entrypoint, toolFastapi: project.fastapiEntrypoint, commands, projectName: project.name });
  const lockText = textOf(files, 'uv.lock');
  const python = choosePython(
    { flag: flags.python, pythonVersionFile: textOf(files, '.python-version'), dockerfile, lock: lockText === undefined ? undefined : readLock(lockText), lockRoot: project.name },
    project.requiresPython,
  );
  const alembic = findAlembic(files);

  const besideTheirs = ['Dockerfile', 'fly.toml', ...(flags.workflows ? [DEPLOY_WORKFLOW] : [])].filter((path) => hasFile(files, path));
  if (besideTheirs.length > 0 && !flags.newFiles) {
    throw new AdoptRefusal(`${besideTheirs.join(' and ')}: already there and not written by us; give --adopt-new-files to get ours as ${besideTheirs.map((path) => `${path}.new`).join(' and ')} to compare`);
  }

  return {
    project,
    uv: `${locked ? 'uv.lock' : 'pyproject.toml [tool.uv] (no uv.lock yet)'}${member ? `; workspace member ${member.name} in ${member.dir}/ (--package)` : ''}`,
    locked,
    fastapi: `${fastapi} in ${where} [project] dependencies`,
    entrypoint,
    python,
    port: choosePort(files, fly),
    alembic,
    runtime: runtimeUnits(files, entrypoint, alembic),
    health: chooseHealth(files, entrypoint, flags),
    fly,
    besideTheirs,
    dockerignore: !hasFile(files, '.dockerignore'),
    member,
    builds: project.builds,
    buildSteps: dockerfile === undefined ? [] : buildSteps(dockerfile),
  };
}
