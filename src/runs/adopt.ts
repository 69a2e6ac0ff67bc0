/**
 * adopt(): a whole --adopt run in one call, and the two halves the command
 * line shows between (prepare: read, detect, resolve, plan; then write).
 * The same pipeline as create: answers from ordered sources, a pure plan,
 * one writer.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { planAdoption, type AdoptionPlan } from '../adopt/plan.ts';
import { resolveAnswers } from '../options/resolve.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { ADOPTION_ENVIRONMENT, projectSource } from '../sources/project.ts';
import { AdoptRefusal, TargetError, UsageError } from '../errors.ts';
import { checkLock } from '../steps/lockCheck.ts';
import type { ProjectFiles } from '../adopt/files.ts';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { readPyProject } from '../adopt/pyproject.ts';
import { workspaceMembers } from '../adopt/workspace.ts';
import { decideAll } from '../reconcile/decide.ts';
import { isNotAFile } from '../reconcile/reconcile.ts';
import { fileMode } from '../record/fileModes.ts';
import { Run } from '../run.ts';
import { applyWrites, readOnDisk, targetFailure } from '../write/applyWrites.ts';
import { acquireProjectLock, recoverProject, removeLeftovers } from '../write/runLock.ts';
import { readProject } from '../write/readProject.ts';
import { loadTemplates } from '../templates/load.ts';
import { VERSION } from '../version.ts';
import { textOf } from '../adopt/files.ts';
import { AmbiguousEntrypoint } from '../adopt/entrypoint.ts';
import { detectAdoption, type AdoptFlags, type Detection } from '../adopt/detect.ts';

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

/** Wrong types from a caller of the API, refused as the CLI refuses bad flags (exit 2), naming the key. */
function checkInput(input: unknown): asserts input is AdoptInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError('adopt() takes an object of options');
  const { directory, flags, given } = input as AdoptInput;
  if (directory !== undefined && (typeof directory !== 'string' || directory === '')) throw new UsageError('directory: must be a path');
  if (given !== undefined && (typeof given !== 'object' || given === null)) throw new UsageError('given: must be an object of answers');
  if (flags === undefined) return;
  if (typeof flags !== 'object' || flags === null) throw new UsageError('flags: must be an object');
  for (const key of ['entrypoint', 'package', 'python'] as const) {
    if (flags[key] !== undefined && typeof flags[key] !== 'string') throw new UsageError(`flags.${key}: must be a string`);
  }
  for (const key of ['newFiles', 'addHealth', 'workflows', 'staleLock'] as const) {
    if (flags[key] !== undefined && typeof flags[key] !== 'boolean') throw new UsageError(`flags.${key}: must be true or false`);
  }
}

export async function prepareAdoption(input: AdoptInput = {}): Promise<PreparedAdoption> {
  checkInput(input);
  const directory = input.directory ?? input.given?.directory ?? '.';
  const dir = resolve(directory);
  // A run killed halfway is finished (or its leftovers removed) before the project is read.
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    try {
      recoverProject(dir, directory);
    } catch (error) {
      throw targetFailure(error, directory);
    }
  }
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new TargetError(`${directory}: no such folder; give the folder of the project to adopt`);
  if (!stat.isDirectory()) throw new TargetError(`${directory}: not a folder; give the folder of the project to adopt`);
  if (input.given?.postgres !== undefined && input.given.postgres !== 'none') {
    throw new UsageError('--postgres: --adopt does not take a database; the project already has its own');
  }
  let files: ProjectFiles;
  try {
    files = withLock(readProject(dir), dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new TargetError(`${directory}: cannot be read (${code}: ${(error as NodeJS.ErrnoException).path ?? ''})`);
    throw error;
  }
  refuseMisplaced(dir, files);
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
  if (detection.locked && !input.flags?.staleLock) {
    const lock = checkLock(dir);
    if (lock.kind === 'stale') throw new AdoptRefusal(`uv.lock: out of date with pyproject.toml (${lock.detail}); run \`uv lock\`, or give --allow-stale-lock to adopt it as it is`);
    detection = { ...detection, uv: `${detection.uv}; ${lock.kind === 'fresh' ? 'uv lock --check: up to date' : `not checked (${lock.why})`}` };
  }
  const { python: _python, ...given } = input.given ?? {};
  let resolved: Awaited<ReturnType<typeof resolveAnswers>>;
  try {
    resolved = await resolveAnswers({ ...given, directory }, { env: ADOPTION_ENVIRONMENT, yes: true, sources: [projectSource(directory, detection)] });
  } catch (error) {
    // A bad value the project's own files gave (its fly.toml, its pyproject) is a refusal of the project, not of a flag never given.
    if (error instanceof UsageError && /\(read from the project's/.test(error.message)) throw new AdoptRefusal(error.message);
    throw error;
  }
  const { options, origins } = resolved;
  if (options.launch && detection.besideTheirs.includes('fly.toml')) {
    throw new AdoptRefusal("fly.toml: yours, so `fly launch --copy-config` would launch with it, not with ours: leave out --launch, compare fly.toml.new, then run `fly launch --no-deploy --copy-config` with the one you keep");
  }
  if (options.python !== detection.python.version) throw new UsageError('internal: the Python chosen and the one detected differ');
  const templates = await loadTemplates();
  const plan = planAdoption(options, detection, templates, textOf(files, '.gitignore'), { generatorVersion: VERSION, origins }, files);
  return { dir, detection, plan };
}

/** uv.lock's text beside the texts readProject gives: the Python choice reads its wheels. */
function withLock(files: ProjectFiles, dir: string): ProjectFiles {
  const texts = new Map(files.texts);
  for (const path of files.paths) if (path === 'uv.lock' || path.endsWith('/uv.lock')) texts.set(path, readFileSync(join(dir, path), 'utf8'));
  return { paths: files.paths, texts };
}

/**
 * Refusals that name where to run instead: inside a workspace member's
 * folder (the lock and the build are the root's), or at a root whose
 * project is one folder down.
 */
function refuseMisplaced(dir: string, files: ProjectFiles): void {
  if (!files.paths.has('pyproject.toml')) {
    const below = [...files.paths].filter((path) => /^[^/]+\/pyproject\.toml$/.test(path)).map((path) => path.split('/')[0]!);
    if (below.length === 1) throw new AdoptRefusal(`pyproject.toml: not found here, but ${below[0]}/ holds one; run --adopt in ${below[0]}/ (\`create-fly-fastapi --adopt ${below[0]}\`)`);
    return;
  }
  for (let parent = dirname(dir); parent !== dirname(parent); parent = dirname(parent)) {
    const path = join(parent, 'pyproject.toml');
    if (!existsSync(path)) continue;
    let root;
    try {
      root = readPyProject(readFileSync(path, 'utf8'), path);
    } catch {
      return;
    }
    if (root.workspaceMembers.length === 0) return;
    const inner = relative(parent, dir).split('\\').join('/');
    const member = workspaceMembers(withFiles(parent, inner), root.workspaceMembers).find((candidate) => candidate.dir === inner);
    if (member) throw new AdoptRefusal(`pyproject.toml: ${basename(dir)}/ is a member of the uv workspace at ${parent}; run --adopt there with --package ${member.name}`);
    return;
  }
}

/** Just enough of the root's view to match one member: its pyproject.toml. */
function withFiles(root: string, inner: string): ProjectFiles {
  const path = `${inner}/pyproject.toml`;
  return { paths: new Set([path]), texts: new Map([[path, readFileSync(join(root, path), 'utf8')]]) };
}

/**
 * Writes an adoption plan: the one decide loop against the disk (there is no
 * base: we never wrote here before), then the one writer. Adopt's policy for
 * what is left open: anything at a planned path that is not byte for byte
 * ours refuses the whole run before a byte is written. No uv lock and no git
 * init: the project and its repository are the user's. Returns the paths written.
 */
export async function writeAdoption(plan: AdoptionPlan, run: Run = new Run()): Promise<string[]> {
  const dir = resolve(plan.options.directory);
  // One run at a time in a project.
  let release: () => void;
  try {
    release = acquireProjectLock(dir, plan.options.directory);
  } catch (error) {
    throw targetFailure(error, plan.options.directory);
  }
  run.onAbort(release);
  try {
    const planned = new Map(plan.files.map((file) => [file.path, file.content]));
    // Temporary files a run killed before its commit point left beside the files it was writing.
    removeLeftovers(dir, planned.keys());
    const decided = decideAll({
      paths: planned.keys(),
      next: (path) => planned.get(path),
      base: () => undefined,
      disk: (path) => readOnDisk(dir, path),
      mode: (path) => fileMode(path, plan.owners.get(path) ?? 'create-fly-fastapi'),
    });
    const blocked = decided.open[0];
    if (blocked && isNotAFile(blocked.onDisk)) throw new AdoptRefusal(`${blocked.onDisk.at} is ${blocked.onDisk.kind} (--adopt writes ${blocked.path} there); move it aside, then run --adopt again (nothing was written)`);
    if (blocked) throw new AdoptRefusal(`${blocked.path}: already there and not ours; move it aside, then run --adopt again (nothing was written)`);
    // A signal that came while deciding is seen here, before the first write.
    await run.checkpoint();
    applyWrites(dir, decided.writes, { journal: true });
    run.phase = 'written';
    return decided.writes.map((change) => change.path);
  } finally {
    release();
  }
}

export async function adopt(input: AdoptInput = {}): Promise<AdoptReport> {
  const prepared = await prepareAdoption(input);
  const written = await writeAdoption(prepared.plan);
  return { ...prepared, written };
}
