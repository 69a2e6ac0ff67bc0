/**
 * `--launch`: takes a written project to a created, not yet deployed, Fly app.
 *
 * flyctl does the work; this step runs it the way an expert would, then repairs
 * what `fly launch` does to fly.toml (it rewrites the file, losing comments, and
 * may rename the app). No terminal UI here: output goes to a callback and the
 * result is data, so the CLI decides how it looks and tests read it directly.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'smol-toml';
import {
  DEFAULT_ORG,
  databaseName,
  flyctlInstallCommand,
  formatCommand,
  launchArgs,
  managedPostgresArgs,
  unmanagedPostgresArgs,
  type Argv,
  type Target,
} from '../core/flyCommands.ts';
import { renderFlyToml, type FlyConfig } from '../core/flyToml.ts';
import { EXTERNAL_DATABASE_SECRET } from '../core/nextSteps.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { findOnPath } from './tools.ts';

export interface LaunchSettings {
  /** The project directory, holding our fly.toml. */
  dir: string;
  /** Where to look for flyctl, and what it runs with. */
  env?: NodeJS.ProcessEnv;
  /** Each command, as the user would type it, before it runs. */
  onCommand?: (command: string) => void;
  /** flyctl's output, line by line, with passwords in URLs masked. */
  onOutput?: (line: string) => void;
}

/** One setting that differs between the fly.toml we wrote and flyctl's rewrite. */
export interface SettingChange {
  /** e.g. "http_service.auto_stop_machines" or "http_service.checks". */
  path: string;
  /** undefined: flyctl added it. */
  ours: unknown;
  /** undefined: flyctl dropped it. */
  theirs: unknown;
}

export interface FlyTomlReport {
  /** Our app name, when flyctl wrote another one. */
  renamedFrom?: string;
  /** Our settings that flyctl changed or dropped. */
  changes: SettingChange[];
  /** Settings flyctl added; gone again once ours is restored. */
  added: SettingChange[];
  /** fly.toml was written back: our settings, comments and order, flyctl's app name. */
  restored: boolean;
  /** Why it could not be written back, when it could not. */
  problem?: string;
}

export interface CommandFailure {
  command: string;
  /** undefined when flyctl could not be started, or was stopped by a signal. */
  exitCode: number | undefined;
  signal?: string;
  lastLines: string[];
}

export interface LaunchResult {
  outcome: 'launched' | 'no-flyctl' | 'not-logged-in' | 'failed';
  /** Everything asked for is in place on Fly.io. */
  ok: boolean;
  /** `fly launch` itself succeeded: the app exists. */
  appCreated: boolean;
  dir: string;
  /** How the commands are spelled here: "fly" or "flyctl". */
  binary: string;
  /** The account `fly auth whoami` reported. */
  account?: string;
  /** The app's final name. */
  appName: string;
  org?: string;
  flyToml?: FlyTomlReport;
  failure?: CommandFailure;
  /** What to run by hand to finish, in order, from the project directory. */
  retry: string[];
  /** The app was created but its database was not, though flyctl exited 0. */
  databaseProblem?: string;
}

const TAIL = 8;

const DATABASE_PROBLEMS = [/^\s*Error creating (Managed )?Postgres cluster/, /Cluster creation is taking longer than expected/];

/** flyctl prints connection strings with their passwords; terminals and CI logs keep them. */
export function maskSecrets(line: string): string {
  return line
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi, '$1****@')
    .replace(/^(\s*password:\s*)\S.*$/i, '$1****');
}

interface Run {
  exitCode: number | undefined;
  signal?: string;
  lines: string[];
}

async function runFly(binary: string, args: Argv, settings: LaunchSettings, stream: boolean): Promise<Run> {
  // No stdin: flyctl then never waits on a prompt; every answer is in the arguments.
  // Loaded here, as in commands.ts: only a run that calls flyctl needs it.
  const { execa } = await import('execa');
  const child = execa(binary, args, { cwd: settings.dir, env: settings.env, stdin: 'ignore', all: true, reject: false, buffer: false });
  const lines: string[] = [];
  for await (const raw of child.iterable({ from: 'all' })) {
    const line = maskSecrets(String(raw).trimEnd());
    lines.push(line);
    if (stream) settings.onOutput?.(line);
  }
  const result = await child;
  if (result.exitCode === undefined && !result.signal) lines.push(...(result.shortMessage ?? 'could not start').split('\n'));
  return { exitCode: result.exitCode, signal: result.signal, lines };
}

function failure(command: string, run: Run): CommandFailure {
  const lastLines = run.lines.filter((line) => line.trim()).slice(-TAIL);
  return { command, exitCode: run.exitCode, ...(run.signal && { signal: run.signal }), lastLines };
}

export async function launchApp(options: ProjectOptions, settings: LaunchSettings): Promise<LaunchResult> {
  const env = settings.env ?? process.env;
  const found = findOnPath('fly', env) ?? findOnPath('flyctl', env);
  const binary = found ? basename(found).replace(/\.(exe|cmd)$/i, '') : 'fly';
  const fly = (args: Argv) => formatCommand(binary, args);
  const launchCommand = fly(launchArgs(options));
  const base = { dir: settings.dir, binary, appName: options.name, appCreated: false, ok: false };
  const postgresRetry = unmanagedPostgresArgs(options).map(fly);

  if (!found) return { ...base, outcome: 'no-flyctl', retry: [fly(['auth', 'login']), launchCommand, ...postgresRetry] };

  const whoami = await runFly(found, ['auth', 'whoami'], settings, false);
  if (whoami.exitCode !== 0) {
    return {
      ...base,
      // A flyctl that does not even start is broken, not logged out.
      outcome: whoami.exitCode === undefined ? 'failed' : 'not-logged-in',
      failure: failure(fly(['auth', 'whoami']), whoami),
      retry: [fly(['auth', 'login']), launchCommand, ...postgresRetry],
    };
  }
  const account = whoami.lines.find((line) => line.trim())?.trim();

  const flyTomlPath = join(settings.dir, 'fly.toml');
  const ours = await readFile(flyTomlPath, 'utf8');
  settings.onCommand?.(launchCommand);
  const launch = await runFly(found, launchArgs(options), settings, true);
  // flyctl says which app it created and where; the rest of the run follows it.
  const created = launch.lines.map((line) => /Created app '([^']+)' in organization '([^']+)'/.exec(line)).find(Boolean);
  if (launch.exitCode !== 0) {
    // Launching again would find the name taken (by this very app) and create a second one.
    const cleanup = created ? [`${fly(['apps', 'destroy', created[1]!, '--yes'])}   # created before the failure`] : [];
    return { ...base, account, outcome: 'failed', failure: failure(launchCommand, launch), retry: [...cleanup, launchCommand, ...postgresRetry] };
  }

  const reconciled = reconcileFlyToml(ours, await readFile(flyTomlPath, 'utf8').catch(() => ''));
  if (reconciled.text !== undefined && reconciled.report.restored) await writeFile(flyTomlPath, reconciled.text);
  const target: Target = { org: created?.[2] ?? options.org ?? DEFAULT_ORG };
  const launched = { ...base, appCreated: true, account, appName: reconciled.appName, org: target.org, flyToml: reconciled.report };

  // flyctl reports a database it could not create, or stopped waiting for, and still exits 0.
  const databaseProblem = launch.lines.find((line) => DATABASE_PROBLEMS.some((pattern) => pattern.test(line)))?.trim();
  if (databaseProblem && options.postgres === 'managed') {
    const [create, attach] = managedPostgresArgs(options, target).map(fly);
    const retry = /taking longer/.test(databaseProblem) ? [attach!] : [create!, attach!];
    return { ...launched, outcome: 'failed', databaseProblem, retry };
  }

  const steps = unmanagedPostgresArgs(options, target);
  for (const [index, args] of steps.entries()) {
    settings.onCommand?.(fly(args));
    const run = await runFly(found, args, settings, true);
    if (run.exitCode !== 0) {
      return { ...launched, outcome: 'failed', failure: failure(fly(args), run), retry: steps.slice(index).map(fly) };
    }
  }
  return { ...launched, outcome: 'launched', ok: true, retry: [] };
}

// ---- fly.toml: what flyctl changed, and putting ours back ------------------

type Table = Record<string, unknown>;
type Segment = string | number;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function leaves(value: unknown, at: Segment[] = [], out: Segment[][] = []): Segment[][] {
  if (isTable(value)) for (const [key, child] of Object.entries(value)) leaves(child, [...at, key], out);
  else if (Array.isArray(value)) value.forEach((child, index) => leaves(child, [...at, index], out));
  else out.push(at);
  return out;
}

function valueAt(root: unknown, path: Segment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof segment === 'number' ? !Array.isArray(current) : !isTable(current)) return undefined;
    current = (current as Record<Segment, unknown>)[segment];
  }
  return current;
}

function formatPath(path: Segment[]): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index ? `.${segment}` : segment)).join('');
}

/** Durations in milliseconds: flyctl writes kill_timeout = 10 back as "10s". */
function duration(value: unknown, path: Segment[]): number | undefined {
  if (typeof value === 'number') return path.at(-1) === 'kill_timeout' ? value * 1000 : undefined;
  if (typeof value !== 'string' || !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  return [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u as keyof typeof unit], 0);
}

function sameValue(ours: unknown, theirs: unknown, path: Segment[]): boolean {
  if (ours === theirs) return true;
  const a = duration(ours, path);
  return a !== undefined && a === duration(theirs, path);
}

/** Missing entries are reported at the outermost missing table: "http_service.checks", not each key in it. */
function outermostMissing(path: Segment[], present: unknown): Segment[] {
  for (let length = 1; length <= path.length; length++) {
    if (valueAt(present, path.slice(0, length)) === undefined) return path.slice(0, length);
  }
  return path;
}

export function compareFlyToml(ours: Table, theirs: Table): { changes: SettingChange[]; added: SettingChange[] } {
  const changes = new Map<string, SettingChange>();
  const added = new Map<string, SettingChange>();
  for (const path of leaves(ours)) {
    if (path[0] === 'app') continue;
    const theirValue = valueAt(theirs, path);
    if (theirValue === undefined) {
      const missing = outermostMissing(path, theirs);
      changes.set(formatPath(missing), { path: formatPath(missing), ours: valueAt(ours, missing), theirs: undefined });
    } else if (!sameValue(valueAt(ours, path), theirValue, path)) {
      changes.set(formatPath(path), { path: formatPath(path), ours: valueAt(ours, path), theirs: theirValue });
    }
  }
  for (const path of leaves(theirs)) {
    if (path[0] === 'app' || valueAt(ours, path) !== undefined) continue;
    const missing = outermostMissing(path, ours);
    added.set(formatPath(missing), { path: formatPath(missing), ours: undefined, theirs: valueAt(theirs, missing) });
  }
  return { changes: [...changes.values()], added: [...added.values()] };
}

function parseTable(text: string): Table | undefined {
  try {
    return parse(text) as Table;
  } catch {
    return undefined;
  }
}

/** The comment lines renderFlyToml put at the top, without their "# ". */
function headerOf(text: string): string[] {
  const header: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    header.push(line.replace(/^# ?/, ''));
  }
  return header;
}

/**
 * Our fly.toml with flyctl's app name, rendered as we first wrote it. `text` is
 * undefined when that cannot be done without losing something of ours.
 */
export function reconcileFlyToml(oursText: string, theirsText: string): { appName: string; text?: string; report: FlyTomlReport } {
  const parsed = parseTable(oursText);
  const ours = parsed ?? {};
  const ourName = String(ours.app ?? '');
  // Missing or unreadable: nothing to compare, and ours goes back as it was.
  const theirs = theirsText.trim() ? parseTable(theirsText) : undefined;
  const appName = typeof theirs?.app === 'string' && theirs.app ? theirs.app : ourName;
  const renamedFrom = appName !== ourName ? ourName : undefined;
  const { changes, added } = theirs ? compareFlyToml(ours, theirs) : { changes: [], added: [] };
  if (!parsed) return { appName, report: { renamedFrom, changes: [], added: [], restored: false, problem: 'the fly.toml before launch did not parse' } };
  const report = { renamedFrom, changes, added, ...(!theirs && { problem: 'flyctl left no readable fly.toml' }) };
  const text = renderFlyToml({ ...(ours as unknown as FlyConfig), app: appName }, headerOf(oursText));
  // The renderer knows our keys only: check nothing was left behind before using it.
  const check = compareFlyToml({ ...ours, app: appName }, parseTable(text) ?? {});
  if (check.changes.length || check.added.length) {
    return { appName, report: { ...report, restored: false, problem: 'it holds settings create-fly-fastapi does not know; restore them by hand' } };
  }
  return { appName, text, report: { ...report, restored: text !== theirsText } };
}

// ---- what to tell the user ---------------------------------------------------

export interface LaunchMessage {
  level: 'success' | 'info' | 'warn' | 'error';
  text: string;
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function commandBlock(dir: string, commands: string[]): string {
  return [`cd ${/^[\w@%+=:,./-]+$/.test(dir) ? dir : `'${dir.replaceAll("'", "'\\''")}'`}`, ...commands].map((line) => `  ${line}`).join('\n');
}

/** The result as messages, most important first; the CLI chooses how they look. */
export function describeLaunch(result: LaunchResult, options: ProjectOptions): LaunchMessage[] {
  const messages: LaunchMessage[] = [];
  const { binary, dir } = result;
  const nothing = `Nothing was created on Fly.io; the project is ready in ${dir}.`;

  if (result.outcome === 'no-flyctl') {
    messages.push({ level: 'error', text: `flyctl is not installed: neither fly nor flyctl is on PATH. ${nothing}` });
    messages.push({ level: 'info', text: `Install it:\n  ${flyctlInstallCommand()}\nthen launch:\n${commandBlock(dir, result.retry)}` });
    return messages;
  }
  if (result.outcome === 'not-logged-in') {
    const why = result.failure?.lastLines.at(-1);
    messages.push({ level: 'error', text: `flyctl is not logged in (${binary} auth whoami failed${why ? `: ${why}` : ''}). ${nothing}` });
    messages.push({ level: 'info', text: `Log in, then launch:\n${commandBlock(dir, result.retry)}` });
    return messages;
  }

  if (result.appCreated) {
    const who = result.account ? ` as ${result.account}` : '';
    messages.push({ level: 'success', text: `Created the Fly app ${result.appName} in organization ${result.org}${who}; nothing is deployed yet.` });
    messages.push(...describeFlyToml(result));
  }

  if (result.databaseProblem) {
    messages.push({ level: 'error', text: `The app has no database attached yet. flyctl said:\n  ${result.databaseProblem}` });
    messages.push({ level: 'info', text: `Finish by hand (${binary} mpg list shows the cluster ID):\n${commandBlock(dir, result.retry)}` });
    return messages;
  }
  if (result.failure) {
    const { exitCode, signal } = result.failure;
    const code = signal ? `stopped by ${signal}` : exitCode === undefined ? 'could not start' : `exit code ${exitCode}`;
    const lines = result.failure.lastLines.map((line) => `  ${line}`).join('\n');
    messages.push({ level: 'error', text: `${result.failure.command} failed (${code}). Its last lines:\n${lines}` });
    messages.push({ level: 'info', text: `The project is kept. To retry:\n${commandBlock(dir, result.retry)}` });
    return messages;
  }

  const app = result.appName;
  if (options.postgres === 'unmanaged') {
    messages.push({ level: 'info', text: `Fly Postgres ${databaseName(options)} is created and attached: DATABASE_URL is set on ${app}.` });
  } else if (options.postgres === 'managed') {
    messages.push({
      level: 'info',
      text:
        `Managed Postgres is attached: DATABASE_URL (pooled, through PgBouncer) is set on ${app}. ` +
        'Its pool runs in session mode unless you change it, so the release command migrates through it; ' +
        'DIRECT_DATABASE_URL is only needed in transaction mode (see the README).',
    });
  } else if (options.postgres === 'external') {
    messages.push({
      level: 'info',
      text: `Give the app your database before the first deploy, as a secret (never in a file):\n  ${EXTERNAL_DATABASE_SECRET.replace(/^fly /, `${binary} `)}`,
    });
  }
  return messages;
}

function describeFlyToml(result: LaunchResult): LaunchMessage[] {
  const report = result.flyToml;
  if (!report) return [];
  const messages: LaunchMessage[] = [];
  if (report.renamedFrom) {
    messages.push({
      level: 'warn',
      text: `The name ${report.renamedFrom} is taken, so flyctl named the app ${result.appName}. fly.toml says ${result.appName}, and the commands in the README, run in the project directory, take the name from it.`,
    });
  }
  const rows = report.changes.map((change) => `  ${change.path}: ours ${show(change.ours)}, flyctl ${show(change.theirs)}`);
  const extra = report.added.length ? `\nflyctl also added ${report.added.map((change) => change.path).join(', ')}; they are gone again.` : '';
  if (!report.restored && report.problem) {
    messages.push({ level: 'warn', text: `flyctl rewrote fly.toml and it was not restored: ${report.problem}.${rows.length ? `\n${rows.join('\n')}` : ''}` });
  } else if (report.problem) {
    messages.push({ level: 'warn', text: `${report.problem}; ours is restored, with app = "${result.appName}".` });
  } else if (rows.length) {
    messages.push({ level: 'warn', text: `flyctl changed ${rows.length === 1 ? 'a setting' : `${rows.length} settings`} in fly.toml; ours are restored:\n${rows.join('\n')}${extra}` });
  } else if (report.restored) {
    messages.push({ level: 'info', text: `flyctl rewrote fly.toml (comments and order); it is back as generated, with app = "${result.appName}".${extra}` });
  }
  return messages;
}
