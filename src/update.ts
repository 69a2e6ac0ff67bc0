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
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { declared, dependencyChange, isEmptyChange, uvCommands } from './core/dependencies.ts';
import { fileMode } from './core/fileModes.ts';
import { planProject } from './core/plan.ts';
import { RecordError, parseRecord, type ReadRecord } from './core/readRecord.ts';
import { mergeCheck, reconcileFile, type Decision } from './core/reconcile.ts';
import { recordSource } from './core/recordSource.ts';
import { RECORD_PATH, type FileOwner } from './core/record.ts';
import { detectEnvironment } from './create.ts';
import { kitSources, checkRequires } from './kit/apply.ts';
import { KitError } from './kit/errors.ts';
import { fetchKit } from './kit/fetch.ts';
import { loadKit } from './kit/load.ts';
import { compareVersions, parseVersion } from './kit/semver.ts';
import type { Kit } from './kit/types.ts';
import { EXIT, RefusedError, TargetError, UsageError } from './options/errors.ts';
import { resolveAnswers, type AnswerOrigins } from './options/resolve.ts';
import { OPTIONS, type OnConflict, type ProjectOptions } from './options/schema.ts';
import { optionFromData } from './options/values.ts';
import { runUv } from './steps/commands.ts';
import { uncommittedPaths } from './steps/gitStatus.ts';
import { applyWrites, type FileWrite } from './steps/project.ts';
import { loadTemplates } from './templates.ts';
import { VERSION } from './version.ts';

type ProjectAnswers = { [K in keyof Omit<ProjectOptions, 'directory'>]?: ProjectOptions[K] };

export type UpdateStatus = 'created' | 'updated' | 'merged' | 'identical' | 'kept' | 'conflict' | 'deleted by you' | 'removed';

/** What is shown to whoever resolves a conflict (the prompt, or a caller of update()). */
export interface Conflict {
  path: string;
  reason: string;
  yours: string;
  next: string;
  markers: string;
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

/** The project's text at a path; a folder, a link or a device there is returned as such, never read. */
function readDisk(dir: string, path: string): string | undefined | { notAFile: true } {
  const stat = lstatSync(join(dir, path), { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isFile()) return { notAFile: true };
  return readFileSync(join(dir, path), 'utf8');
}

export function readProjectRecord(dir: string, shown: string): ReadRecord {
  const path = join(dir, RECORD_PATH);
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new TargetError(`${shown} does not exist: there is no project to update`);
  if (!stat.isDirectory() && !stat.isSymbolicLink()) throw new TargetError(`${shown} is not a folder: there is no project to update`);
  if (!existsSync(path)) {
    throw new TargetError(`${shown} has no ${RECORD_PATH}: create-fly-fastapi did not generate it; use --adopt to start following it`);
  }
  try {
    return parseRecord(readFileSync(path, 'utf8'), `${shown}/${RECORD_PATH}`);
  } catch (error) {
    if (error instanceof RecordError) throw new RefusedError(error.message);
    throw error;
  }
}

/** A newer generator's record (or format) is refused: its files may mean what this version cannot know. */
function checkVersions(record: ReadRecord, shown: string): void {
  const theirs = parseVersion(record.generator?.version ?? '');
  const ours = parseVersion(VERSION);
  if (record.format > 2 || (theirs && ours && compareVersions(theirs, ours) > 0)) {
    throw new RefusedError(
      `${shown} was generated by create-fly-fastapi ${record.generator?.version ?? `(record format ${record.format})`}, newer than this ${VERSION}: run the newer one (npm create fly-fastapi@latest -- --update)`,
    );
  }
}

async function kitFor(spec: string | undefined, record: ReadRecord): Promise<Kit | undefined> {
  if (spec === undefined) return undefined;
  const fetched = await fetchKit(spec);
  let kit: Kit;
  try {
    kit = await loadKit(fetched.dir, fetched.source);
  } finally {
    await fetched.dispose();
  }
  try {
    checkRequires(kit, VERSION);
  } catch (error) {
    if (error instanceof KitError) throw new RefusedError(error.message);
    throw error;
  }
  const before = record.kit && parseVersion(record.kit.version);
  const now = parseVersion(kit.version);
  if (record.kit && record.kit.name === kit.name && before && now && compareVersions(now, before) < 0) {
    throw new RefusedError(`--kit: ${kit.name} ${kit.version} is older than ${record.kit.version}, which made this project; an update never downgrades`);
  }
  return kit;
}

function givenAnswers(input: UpdateOptions): Partial<ProjectOptions> {
  const given: Record<string, unknown> = {};
  const control = new Set(['directory', 'kit', 'onConflict', 'resolve', 'dryRun', 'check', 'allowDirty', 'onWritten']);
  for (const [key, value] of Object.entries(input)) {
    if (control.has(key) || value === undefined) continue;
    const def = OPTIONS.find((candidate) => candidate.key === key);
    if (!def) throw new UsageError(`${key}: unknown option`);
    try {
      given[key] = optionFromData(def, value);
    } catch (error) {
      throw new UsageError(`${key}: ${(error as Error).message}`);
    }
  }
  return given as Partial<ProjectOptions>;
}

export async function update(input: UpdateOptions = {}): Promise<UpdateReport> {
  const shown = input.directory ?? '.';
  const dir = resolve(shown);
  const record = readProjectRecord(dir, shown);
  checkVersions(record, shown);
  const kit = await kitFor(input.kit ?? record.kit?.source, record);

  // The directory as the rerun line names it: the project's own folder, wherever it now is.
  const given = { ...givenAnswers(input), directory: basename(dir) };
  const kitParts = kit ? kitSources(kit) : undefined;
  const sources = [...(kitParts ? [kitParts.locked] : []), recordSource(record, shown), ...(kitParts ? [kitParts.defaults] : [])];
  const { options, origins } = await resolveAnswers(given, { env: detectEnvironment(dir), yes: true, sources });
  // An answer the record gave keeps the origin it was recorded with, so a run without flags rewrites no record.
  const recorded = record.origins ?? {};
  const kept = Object.fromEntries(Object.entries(origins).map(([key, origin]) => [key, origin === 'record' ? (recorded[key as keyof AnswerOrigins] ?? origin) : origin]));
  const plan = planProject(options, await loadTemplates(), { generatorVersion: VERSION, kit, origins: kept });

  const planned = new Map(plan.files.map((file) => [file.path, file.content]));
  const paths = [...new Set([...planned.keys(), ...Object.keys(record.files)])].filter((path) => path !== RECORD_PATH).sort();
  const files: UpdateFile[] = [];
  const writes: FileWrite[] = [];
  const conflicts: Conflict[] = [];
  const decisions = new Map<string, Decision>();
  for (const path of paths) {
    const recorded = record.files[path];
    const owner: FileOwner = plan.owners.get(path) ?? recorded?.owner ?? 'create-fly-fastapi';
    const onDisk = readDisk(dir, path);
    const next = planned.get(path);
    const decision: Decision =
      typeof onDisk === 'object'
        ? next === undefined
          ? { action: 'gone' }
          : { action: 'in-the-way', reason: 'something that is not a file is where this one goes', markers: next }
        : reconcileFile(recorded && { sha256: recorded.sha256, text: recorded.text }, onDisk, next, fileMode(path, owner), mergeCheck(path, planned));
    decisions.set(path, decision);
    if (decision.action === 'gone') continue;
    files.push({ path, status: STATUS[decision.action], ...(decision.reason && { reason: decision.reason }) });
    if (decision.write !== undefined) writes.push({ kind: 'write', path, content: decision.write });
    if (decision.action === 'remove') writes.push({ kind: 'remove', path });
    if (decision.action === 'conflict' || decision.action === 'in-the-way') {
      conflicts.push({ path, reason: decision.reason ?? '', yours: typeof onDisk === 'string' ? onDisk : '', next: next ?? '', markers: decision.markers ?? next ?? '' });
    }
  }

  // Every conflict is settled before anything is written.
  for (const conflict of conflicts) {
    const how = input.resolve ? await input.resolve(conflict) : (input.onConflict ?? 'new-file');
    const entry = files.find((file) => file.path === conflict.path)!;
    entry.resolution = how;
    const notAFile = typeof readDisk(dir, conflict.path) === 'object';
    if (how === 'new-file' || (notAFile && how !== 'keep')) {
      writes.push({ kind: 'write', path: `${conflict.path}.new`, content: conflict.next });
      entry.beside = [`${conflict.path}.new`];
    } else if (how === 'markers') {
      writes.push({ kind: 'write', path: conflict.path, content: conflict.markers });
    } else if (how === 'overwrite') {
      writes.push({ kind: 'write', path: conflict.path, content: conflict.next, backup: true });
      entry.beside = [`${conflict.path}.bak`];
    }
  }

  // Dependencies: a pyproject.toml of yours is changed by uv, never rewritten.
  const pyproject = decisions.get('pyproject.toml');
  const hasLock = existsSync(join(dir, 'uv.lock'));
  let uv: string[][] = [];
  const diskPyproject = readDisk(dir, 'pyproject.toml');
  if (typeof diskPyproject === 'string' && (pyproject?.action === 'keep' || pyproject?.action === 'conflict')) {
    let onDisk;
    try {
      onDisk = declared(diskPyproject);
    } catch (error) {
      throw new RefusedError(`pyproject.toml: does not parse, so its dependencies cannot be updated (${(error as Error).message.split('\n')[0]})`);
    }
    const change = dependencyChange(record.dependencies, plan.dependencies, onDisk);
    if (!isEmptyChange(change)) uv = uvCommands(change, hasLock);
  } else if (pyproject?.action === 'update' && hasLock) {
    uv = [['lock']];
  }

  const recordText = planned.get(RECORD_PATH)!;
  const changed = writes.length > 0 || uv.length > 0;
  // The record follows the files: unchanged when nothing else is.
  if (changed || readDisk(dir, RECORD_PATH) !== recordText) writes.push({ kind: 'write', path: RECORD_PATH, content: recordText });

  const report: UpdateReport = {
    directory: dir,
    from: record.generator?.version ?? 'unknown',
    to: VERSION,
    options,
    origins,
    files,
    dependencies: uv.map((command) => ({ command })),
    changed,
    written: false,
    exitCode: EXIT.ok,
  };
  const left = files.filter((file) => file.status === 'conflict' && file.resolution !== 'overwrite').length;
  if (input.check) return { ...report, exitCode: changed ? EXIT.wouldChange : EXIT.ok };
  if (input.dryRun) return report;

  if (!input.allowDirty) {
    const touched = writes.filter((change) => existsSync(join(dir, change.path))).map((change) => change.path);
    const dirty = uncommittedPaths(dir, [...touched, ...(uv.length ? ['pyproject.toml', 'uv.lock'] : [])]) ?? [];
    if (dirty.length > 0) {
      throw new RefusedError(`uncommitted changes in ${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ` and ${dirty.length - 5} more` : ''}: commit or stash them first, or use --allow-dirty`);
    }
  }
  if (writes.length > 0) applyWrites(dir, writes);
  input.onWritten?.();
  for (const entry of report.dependencies) {
    const result = await runUv(dir, entry.command);
    Object.assign(entry, { ok: result.ok, ...(!result.ok && { output: result.output }) });
  }
  const uvFailed = report.dependencies.some((entry) => entry.ok === false);
  return { ...report, written: writes.length > 0, exitCode: left > 0 ? EXIT.conflicts : uvFailed ? EXIT.followUpFailed : EXIT.ok };
}
