/**
 * An update: the same pipeline as create, filled differently. The record's
 * answers join the sources (flags still win), the plan is made anew, every
 * file is decided by reconcileFile (base = the record's text, yours = the
 * disk, new = the plan), conflicts are resolved as asked, and only then the
 * one writer applies the decisions. Nothing is written before every decision
 * is made, so a cancel at a conflict prompt leaves the project as it was.
 *
 *   const report = await update({ directory: 'my-api', scaling: 'always-on' });
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { declared, dependencyChange, isEmptyChange, uvCommands } from '../reconcile/dependencies.ts';
import { fileMode } from '../record/fileModes.ts';
import { planProject, textsOf, type ProjectPlan } from '../plan/plan.ts';
import { decideAll, type FileWrite } from '../reconcile/decide.ts';
import { isNotAFile, mergeCheck, reconcileFile, type Decision } from '../reconcile/reconcile.ts';
import { isBytes, type Content } from '../content.ts';
import { keptOrigins, recordSource } from '../sources/record.ts';
import type { ReadRecord } from '../record/readRecord.ts';
import type { FileOwner } from '../record/fileModes.ts';
import { RECORD_PATH, type Dependencies } from '../record/record.ts';
import { detectEnvironment } from '../steps/tools.ts';
import { kitSources } from '../sources/kit.ts';
import { EXIT, RefusedError, UsageError } from '../errors.ts';
import { replanAdoption } from './replanAdoption.ts';
import { resolveAnswers, type AnswerOrigins } from '../options/resolve.ts';
import { ON_CONFLICT, type OnConflict } from '../options/runFlags.ts';
import { projectPathProblem } from '../options/rules.ts';
import type { ProjectOptions } from '../options/schema.ts';
import type { ProjectAnswers } from '../options/values.ts';
import { Run } from '../run.ts';
import { runUv } from '../steps/commands.ts';
import { markUnmerged } from '../steps/gitIndex.ts';
import { uncommittedPaths } from '../steps/gitStatus.ts';
import { applyWrites, executableOnDisk, readOnDisk, targetFailure } from '../write/applyWrites.ts';
import { acquireProjectLock, checkProjectLock, recoverProject, removeLeftovers } from '../write/runLock.ts';
import { loadTemplates } from '../templates/load.ts';
import { checkVersions, givenAnswers, kitFor, readProjectRecord } from './updateSources.ts';
import { VERSION } from '../version.ts';

export type UpdateStatus = 'created' | 'updated' | 'merged' | 'identical' | 'kept' | 'conflict' | 'deleted by you' | 'removed' | 'moved';

/** What is shown to whoever resolves a conflict (the prompt, or a caller of update()). */
export interface Conflict {
  path: string;
  reason: string;
  /** Text only: for a binary file (or one not in UTF-8) these are empty and `binary` is set. */
  yours: string;
  next: string;
  markers: string;
  /** Not text on one side: never merged or marked; new-file or overwrite settle it, markers writes a .new. */
  binary?: boolean;
}

export interface UpdateOptions extends ProjectAnswers {
  /** The project; default: the current directory. */
  directory?: string;
  /** A (newer) starter kit; default: the one the record names. */
  kit?: string;
  /** Without `resolve`: what to do with each conflict. Default new-file. */
  onConflict?: OnConflict;
  /** Asked per conflict before anything is written (the CLI's prompt); overrides onConflict. */
  resolve?: (conflict: Conflict) => Promise<OnConflict>;
  /** Decide and report; write nothing. */
  dryRun?: boolean;
  /** Like dryRun; exitCode 7 when the update would change something. */
  check?: boolean;
  /** Touch files that have uncommitted changes. */
  allowDirty?: boolean;
  /** Called once the files are written, before uv runs (a cancel after it must not say "nothing was written"). */
  onWritten?: () => void;
  /** Bring back this one file, deleted by you, as this version writes it; nothing else is written. */
  restore?: string;
}

export interface UpdateFile {
  path: string;
  status: UpdateStatus;
  reason?: string;
  /** For a conflict: what was done about it. */
  resolution?: OnConflict;
  /** Files written beside it: <path>.new, <path>.bak. */
  beside?: string[];
}

export interface UpdateReport {
  directory: string;
  /** The generator versions: the record's, and this one. */
  from: string;
  to: string;
  /** The kit, when there is one: the record's version and the one used now (its name too, when it changed). */
  kit?: { name: string; from?: string; to: string };
  options: ProjectOptions;
  origins: AnswerOrigins;
  files: UpdateFile[];
  /** uv commands run (or that would run) for dependencies, argv after `uv`. */
  dependencies: { command: string[]; ok?: boolean; output?: string }[];
  /** True when something was (or, with dryRun/check, would be) written. */
  changed: boolean;
  written: boolean;
  /** 0; 5 when conflicts are left; 7 for check with changes; 4 when a uv command failed. */
  exitCode: number;
}

const STATUS: Record<Exclude<Decision['action'], 'gone'>, UpdateStatus> = {
  create: 'created',
  identical: 'identical',
  update: 'updated',
  keep: 'kept',
  merge: 'merged',
  conflict: 'conflict',
  'in-the-way': 'conflict',
  'deleted-by-you': 'deleted by you',
  remove: 'removed',
};

interface Decided {
  files: UpdateFile[];
  writes: FileWrite[];
  conflicts: Conflict[];
  decisions: Map<string, Decision>;
  /** Each conflict's two sides as they are, bytes included: what .new and .bak are written from. */
  sides: Map<string, { yours: Content | undefined; next: Content }>;
}

/** The one decide loop over every path of the plan or the record (the record itself aside), as an update reports it. */
function decideUpdate(dir: string, record: ReadRecord, plan: ProjectPlan): Decided {
  const planned = new Map(plan.files.map((file) => [file.path, file.content]));
  const owners = plan.owners;
  // A file written once is the user's from then on: what is there is what we would write (or it stays deleted).
  const once = (path: string) => plan.once.has(path) && record.files[path] !== undefined;
  const moves = movesToMake(dir, record, plan);
  const moving = new Set(moves.flatMap((move) => [move.from, move.to]));
  const decided = decideAll({
    paths: [...planned.keys(), ...Object.keys(record.files)].filter((path) => path !== RECORD_PATH && !moving.has(path)),
    next: (path) => {
      const onDisk = once(path) ? readOnDisk(dir, path) : undefined;
      return onDisk !== undefined && !isNotAFile(onDisk) ? onDisk : planned.get(path);
    },
    base: (path) => {
      const recorded = record.files[path];
      return recorded && { sha256: recorded.sha256, text: recorded.text, binary: recorded.binary === true };
    },
    disk: (path) => readOnDisk(dir, path),
    mode: (path) => (plan.once.has(path) ? 'seed' : fileMode(path, owners.get(path) ?? record.files[path]?.owner ?? 'create-fly-fastapi')),
    check: (path) => mergeCheck(path, textsOf(planned), record.mode),
  });
  const files: UpdateFile[] = decided.files.map(({ path, decision }) => ({ path, status: STATUS[decision.action as keyof typeof STATUS], ...(decision.reason && { reason: decision.reason }) }));
  for (const move of moves) decideMove(move, record, plan, files, decided.writes);
  files.sort((a, b) => a.path.localeCompare(b.path));
  decideModes(dir, record, plan, files, decided.writes);
  return {
    files,
    writes: decided.writes,
    conflicts: decided.open.map(({ path, decision, onDisk, next }) => {
      const binary = isBytes(onDisk) || isBytes(next) || decision.markers === undefined;
      const text = (content: unknown) => (typeof content === 'string' ? content : '');
      return { path, reason: decision.reason ?? '', yours: text(onDisk), next: text(next), markers: binary ? '' : (decision.markers ?? text(next)), ...(binary && { binary: true }) };
    }),
    decisions: new Map(decided.files.map(({ path, decision }) => [path, decision])),
    sides: new Map(decided.open.map(({ path, onDisk, next }) => [path, { yours: isNotAFile(onDisk) ? undefined : onDisk, next: next ?? '' }])),
  };
}

interface Move {
  from: string;
  to: string;
  /** Yours, at the old path. */
  yours: Content;
}

/** The moves of this plan that apply here: we wrote the old path, you still have it, and nothing is at the new one yet. */
function movesToMake(dir: string, record: ReadRecord, plan: ProjectPlan): Move[] {
  const planned = new Set(plan.files.map((file) => file.path));
  const moves: Move[] = [];
  for (const [from, to] of plan.moved) {
    if (!record.files[from] || record.files[to] || !planned.has(to) || planned.has(from)) continue;
    const yours = readOnDisk(dir, from);
    if (yours === undefined || isNotAFile(yours) || readOnDisk(dir, to) !== undefined) continue;
    moves.push({ from, to, yours });
  }
  return moves;
}

/**
 * A file that moved: your copy at the old path is reconciled against the new
 * text at the new path (base: what we last wrote at the old one), written
 * there, and the old path removed, unless something of yours would be lost:
 * a conflict leaves your file where it is and ours beside it, at the new path.
 */
function decideMove(move: Move, record: ReadRecord, plan: ProjectPlan, files: UpdateFile[], writes: FileWrite[]): void {
  const recorded = record.files[move.from]!;
  const next = plan.files.find((file) => file.path === move.to)!.content;
  const mode = fileMode(move.to, plan.owners.get(move.to) ?? recorded.owner);
  const decision = reconcileFile({ sha256: recorded.sha256, text: recorded.text, binary: recorded.binary === true }, move.yours, next, mode);
  const carried = decision.action === 'keep' ? move.yours : decision.action === 'identical' ? next : decision.write;
  if (carried === undefined) {
    writes.push({ kind: 'write', path: move.to, content: next });
    files.push({ path: move.to, status: 'conflict', reason: `moved from ${move.from}; ${decision.reason ?? 'your edits and ours differ'}: yours stays at ${move.from}, merge it into ${move.to} by hand`, resolution: 'new-file' });
    files.push({ path: move.from, status: 'kept', reason: `moved to ${move.to}; kept, since your edits could not be carried over` });
    return;
  }
  writes.push({ kind: 'write', path: move.to, content: carried }, { kind: 'remove', path: move.from });
  const how = decision.action === 'keep' ? 'your file, as it was' : decision.action === 'merge' ? 'your edits merged into the new text' : 'the new text';
  files.push({ path: move.to, status: 'moved', reason: `from ${move.from}: ${how}` });
}

/**
 * The executable bit, three ways like the content: the record's (base), the
 * disk's (yours) and the plan's (new). Ours is applied where you left the
 * bit as we set it; a chmod of yours is kept, and said.
 */
function decideModes(dir: string, record: ReadRecord, plan: ProjectPlan, files: UpdateFile[], writes: FileWrite[]): void {
  for (const planned of plan.files) {
    const { path } = planned;
    if (path === RECORD_PATH || plan.once.has(path)) continue;
    const base = record.files[path]?.executable === true;
    const yours = executableOnDisk(dir, path);
    const next = planned.executable === true;
    const wanted = yours === undefined || yours === base ? next : yours;
    const write = writes.find((change): change is Extract<FileWrite, { kind: 'write' }> => change.kind === 'write' && change.path === path);
    const entry = files.find((file) => file.path === path);
    if (write) {
      if (wanted || yours) write.executable = wanted;
    } else if (yours !== undefined && yours !== wanted) {
      writes.push({ kind: 'mode', path, executable: wanted });
      if (entry) Object.assign(entry, { status: entry.status === 'identical' ? 'updated' : entry.status, reason: [entry.reason, wanted ? 'made executable' : 'no longer executable'].filter(Boolean).join('; ') });
    }
    if (entry && yours !== undefined && yours !== base && next !== yours) {
      entry.reason = [entry.reason, `your chmod is kept (${yours ? 'executable' : 'not executable'})`].filter(Boolean).join('; ');
    }
  }
}

/** Every conflict settled (asked, or as onConflict says) before anything is written. */
async function settle(dir: string, decided: Decided, input: UpdateOptions): Promise<void> {
  for (const conflict of decided.conflicts) {
    let how = input.resolve ? await input.resolve(conflict) : (input.onConflict ?? 'new-file');
    if (!ON_CONFLICT.includes(how)) throw new UsageError(`${input.resolve ? 'resolve' : 'onConflict'}: ${JSON.stringify(how)} is not one of ${ON_CONFLICT.join(', ')}`);
    const sides = decided.sides.get(conflict.path)!;
    // Only a regular file can be replaced, and only text can carry markers; anything else gets the new file beside it.
    if (sides.yours === undefined && how !== 'keep') how = 'new-file';
    if (conflict.binary && how === 'markers') how = 'new-file';
    const entry = decided.files.find((file) => file.path === conflict.path)!;
    entry.resolution = how;
    if (how === 'new-file') {
      decided.writes.push(beside(dir, conflict.path, '.new', sides.next));
      entry.beside = [`${conflict.path}.new`];
    } else if (how === 'markers') {
      decided.writes.push({ kind: 'write', path: conflict.path, content: conflict.markers });
    } else if (how === 'overwrite') {
      // Yours is kept as <path>.bak, a planned write like any other: checked up front, never through a link.
      decided.writes.push(beside(dir, conflict.path, '.bak', sides.yours!), { kind: 'write', path: conflict.path, content: sides.next });
      entry.beside = [`${conflict.path}.bak`];
    }
  }
}

/** `<path>.new` or `<path>.bak`: never written over a file that holds something else (an earlier .new you have not merged, say). */
function beside(dir: string, path: string, suffix: '.new' | '.bak', content: Content): FileWrite {
  const onDisk = readOnDisk(dir, `${path}${suffix}`);
  if (isNotAFile(onDisk)) {
    throw new RefusedError(`${onDisk.at} is ${onDisk.kind}, where the update would write ${path}${suffix}: move it aside, then update again (nothing was written)`);
  }
  if (onDisk !== undefined && !(isBytes(onDisk) === isBytes(content) && Buffer.from(onDisk).equals(Buffer.from(content)))) {
    throw new RefusedError(`${path}${suffix} is already there and holds something else: merge it into ${path} or move it aside, then update again (nothing was written)`);
  }
  return { kind: 'write', path: `${path}${suffix}`, content };
}

/** The uv commands: a pyproject.toml of yours is changed by uv, never rewritten; one replaced whole is relocked. */
function dependencySteps(dir: string, record: ReadRecord, next: Dependencies, pyproject: Decision | undefined): string[][] {
  const hasLock = existsSync(join(dir, 'uv.lock'));
  const onDisk = readOnDisk(dir, 'pyproject.toml');
  if (typeof onDisk === 'string' && (pyproject?.action === 'keep' || pyproject?.action === 'conflict')) {
    let present;
    try {
      present = declared(onDisk);
    } catch (error) {
      throw new RefusedError(`pyproject.toml: does not parse, so its dependencies cannot be updated (${(error as Error).message.split('\n')[0]})`);
    }
    const change = dependencyChange(record.dependencies, next, present);
    return isEmptyChange(change) ? [] : uvCommands(change, hasLock);
  }
  return pyproject?.action === 'update' && hasLock ? [['lock']] : [];
}

/** Refuses (exit 6) when a file the update may write has changes git does not hold. */
function checkClean(dir: string, paths: readonly string[]): void {
  const dirty = uncommittedPaths(dir, paths.filter((path) => existsSync(join(dir, path)))) ?? [];
  if (dirty.length === 0) return;
  const list = `${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ` and ${dirty.length - 5} more` : ''}`;
  throw new RefusedError(`uncommitted changes in ${list}: commit or stash them first, or use --allow-dirty`);
}

/** A project we generated: planned as create would, with the record's answers as a source. */
async function planGenerated(dir: string, record: ReadRecord, given: Partial<ProjectOptions>, shown: string, input: UpdateOptions) {
  const kit = await kitFor(input.kit, record, shown);
  const kitParts = kit ? kitSources(kit) : undefined;
  const sources = [...(kitParts ? [kitParts.locked] : []), recordSource(record, shown), ...(kitParts ? [kitParts.defaults] : [])];
  const { options, origins } = await resolveAnswers(given, { env: detectEnvironment(dir), yes: true, sources });
  const plan = planProject(options, await loadTemplates(), { generatorVersion: VERSION, kit, origins: keptOrigins(record, origins) });
  return { options, origins, plan, kit };
}

/** A project --adopt took: detected again and planned as --adopt would (src/runs/replanAdoption.ts). */
async function planAdopted(dir: string, record: ReadRecord, given: Partial<ProjectOptions>, shown: string, input: UpdateOptions) {
  if (input.kit !== undefined) throw new UsageError('--kit: does not apply to a project --adopt took');
  return replanAdoption(dir, record, given, shown, await loadTemplates());
}

/**
 * `--restore <path>`: one file you deleted, written again as this version
 * writes it, and its entry in the record; every other file and every other
 * entry stays as it is (the rest of the update is for a plain --update).
 */
async function restoreFile(dir: string, record: ReadRecord, plan: ProjectPlan, input: UpdateOptions, run: Run, answers: Pick<UpdateReport, 'options' | 'origins'>): Promise<UpdateReport> {
  const path = input.restore!;
  const planned = plan.files.find((file) => file.path === path);
  if (!planned || path === RECORD_PATH) throw new UsageError(`--restore: ${path} is not a file this project's options produce`);
  const onDisk = readOnDisk(dir, path);
  if (onDisk !== undefined) throw new RefusedError(`--restore: ${path} is there; it brings back a file you deleted (move yours aside to have ours again)`);
  const current = JSON.parse(readOnDisk(dir, RECORD_PATH) as string) as { files: Record<string, unknown> };
  current.files[path] = (JSON.parse(plan.files.find((file) => file.path === RECORD_PATH)!.content as string) as { files: Record<string, unknown> }).files[path];
  current.files = Object.fromEntries(Object.entries(current.files).sort(([a], [b]) => a.localeCompare(b)));
  const writes: FileWrite[] = [
    { kind: 'write', path, content: planned.content, ...(planned.executable && { executable: true }) },
    { kind: 'write', path: RECORD_PATH, content: `${JSON.stringify(current, null, 2)}\n` },
  ];
  const report: UpdateReport = { directory: dir, from: record.generator?.version ?? 'unknown', to: VERSION, ...answers, files: [{ path, status: 'created', reason: 'restored' }], dependencies: [], changed: true, written: false, exitCode: EXIT.ok };
  if (input.check) return { ...report, exitCode: EXIT.wouldChange };
  if (input.dryRun) return report;
  if (!input.allowDirty) checkClean(dir, [RECORD_PATH]);
  await run.checkpoint();
  applyWrites(dir, writes, { journal: true });
  run.phase = 'written';
  input.onWritten?.();
  return { ...report, written: true };
}

/** Bad arguments from a caller of the API, refused as the CLI refuses bad flags (exit 2). */
function checkInput(input: unknown): asserts input is UpdateOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError('update() takes an object of options');
  const options = input as UpdateOptions;
  if (options.directory !== undefined && (typeof options.directory !== 'string' || options.directory === '')) throw new UsageError('directory: must be a path');
  if (options.kit !== undefined && typeof options.kit !== 'string') throw new UsageError('kit: must be a kit source (a folder, a .tgz or an npm spec)');
  if (options.onConflict !== undefined && !ON_CONFLICT.includes(options.onConflict)) throw new UsageError(`onConflict: ${JSON.stringify(options.onConflict)} is not one of ${ON_CONFLICT.join(', ')}`);
  if (options.restore !== undefined && projectPathProblem(options.restore) !== undefined) throw new UsageError(`restore: ${JSON.stringify(options.restore)} ${projectPathProblem(options.restore)}`);
  if (options.resolve !== undefined && typeof options.resolve !== 'function') throw new UsageError('resolve: must be a function that returns one of keep, new-file, markers, overwrite');
}

export async function update(input: UpdateOptions = {}, run: Run = new Run()): Promise<UpdateReport> {
  checkInput(input);
  const shown = input.directory ?? '.';
  const dir = resolve(shown);
  const writing = !input.check && !input.dryRun;
  // A run killed halfway is finished (or its leftovers removed) before the record is read.
  if (writing && statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    try {
      recoverProject(dir, shown);
    } catch (error) {
      throw targetFailure(error, shown);
    }
  }
  const record = readProjectRecord(dir, shown);
  checkVersions(record, shown);
  if (!writing) {
    checkProjectLock(dir, shown);
    return updateProject(dir, shown, record, input, run);
  }
  // One run at a time in a project.
  let release: () => void;
  try {
    release = acquireProjectLock(dir, shown);
  } catch (error) {
    throw targetFailure(error, shown);
  }
  run.onAbort(release);
  try {
    // Temporary files a run killed before its commit point left beside the files it was writing.
    removeLeftovers(dir, Object.keys(record.files));
    return await updateProject(dir, shown, record, input, run);
  } finally {
    release();
  }
}

async function updateProject(dir: string, shown: string, record: ReadRecord, input: UpdateOptions, run: Run): Promise<UpdateReport> {
  // The directory as the rerun line names it: the project's own folder, wherever it now is.
  const given = { ...givenAnswers(input as Record<string, unknown>), directory: basename(dir) };
  const { options, origins, plan, kit: kitUsed } = record.mode === 'adopted' ? { ...(await planAdopted(dir, record, given, shown, input)), kit: undefined } : await planGenerated(dir, record, given, shown, input);

  const planned = new Map(plan.files.map((file) => [file.path, file.content]));
  if (input.restore !== undefined) return restoreFile(dir, record, plan, input, run, { options, origins });
  const decided = decideUpdate(dir, record, plan);
  const uv = dependencySteps(dir, record, plan.dependencies, decided.decisions.get('pyproject.toml'));
  const writing = !input.check && !input.dryRun;
  const recordText = planned.get(RECORD_PATH)!;
  // The record follows the files: unchanged when nothing else is.
  const recordChanges = decided.writes.length > 0 || decided.conflicts.length > 0 || uv.length > 0 || readOnDisk(dir, RECORD_PATH) !== recordText;
  if (writing && !input.allowDirty) {
    // Before any question, and only what may really be written: a run that changes no byte refuses nothing.
    // A conflict may be written over when it is asked about, or by markers/overwrite; its .new or .bak beside it may be written.
    const mayWrite = input.resolve || input.onConflict === 'markers' || input.onConflict === 'overwrite';
    const touched = [
      ...decided.writes.map((change) => change.path),
      ...decided.conflicts.flatMap((conflict) => [...(mayWrite ? [conflict.path] : []), `${conflict.path}.new`, `${conflict.path}.bak`]),
      ...(recordChanges ? [RECORD_PATH] : []),
      ...(uv.length ? ['pyproject.toml', 'uv.lock'] : []),
    ];
    checkClean(dir, touched);
  }
  await settle(dir, decided, writing ? input : { ...input, resolve: undefined, onConflict: input.onConflict ?? 'new-file' });

  const { files, writes } = decided;
  const changed = writes.length > 0 || uv.length > 0;
  if (changed || readOnDisk(dir, RECORD_PATH) !== recordText) writes.push({ kind: 'write', path: RECORD_PATH, content: recordText });

  const report: UpdateReport = {
    directory: dir,
    from: record.generator?.version ?? 'unknown',
    to: VERSION,
    ...(kitUsed && { kit: { name: kitUsed.name, ...(record.kit && { from: record.kit.version }), to: kitUsed.version } }),
    options,
    origins,
    files,
    dependencies: uv.map((command) => ({ command })),
    changed,
    written: false,
    exitCode: EXIT.ok,
  };
  if (input.check) return { ...report, exitCode: changed ? EXIT.wouldChange : EXIT.ok };
  if (input.dryRun) return report;

  // A signal that came while deciding is seen here, before the first write.
  await run.checkpoint();
  if (writes.length > 0) applyWrites(dir, writes, { journal: true });
  run.phase = 'written';
  input.onWritten?.();
  // Conflicts left with markers are unmerged in git's index too, as git merge leaves them.
  const marked = files.filter((file) => file.resolution === 'markers');
  const sides = new Map(decided.conflicts.map((conflict) => [conflict.path, conflict]));
  if (marked.length > 0 && markUnmerged(dir, marked.map((file) => ({ path: file.path, base: record.files[file.path]?.text ?? '', yours: sides.get(file.path)!.yours, next: sides.get(file.path)!.next, executable: record.files[file.path]?.executable === true })))) {
    for (const file of marked) file.reason = [file.reason, 'unmerged in git: resolve, git add, then commit'].filter(Boolean).join('; ');
  }
  for (const entry of report.dependencies) {
    const result = await runUv(dir, entry.command, run);
    // Stopped with the run (a signal): nothing more is reported as if it had finished.
    run.throwIfCancelled();
    Object.assign(entry, { ok: result.ok, ...(!result.ok && { output: result.output }) });
  }
  const left = files.filter((file) => file.status === 'conflict' && file.resolution !== 'overwrite').length;
  const uvFailed = report.dependencies.some((entry) => entry.ok === false);
  return { ...report, written: writes.length > 0, exitCode: left > 0 ? EXIT.conflicts : uvFailed ? EXIT.followUpFailed : EXIT.ok };
}
