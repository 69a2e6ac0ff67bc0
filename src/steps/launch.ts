/**
 * `--launch`: takes a written project to a created, not yet deployed, Fly app.
 *
 * flyctl does the work; this step runs it the way an expert would, then puts
 * our fly.toml back (`fly launch` rewrites the file, losing comments, and may
 * rename the app: src/plan/flyTomlRestore.ts decides, the one writer writes).
 * No terminal UI here: output goes to a callback and the
 * result is data, so the CLI decides how it looks and tests read it directly.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
} from '../plan/flyCommands.ts';
import { restoreFlyToml, type FlyTomlReport } from '../plan/flyTomlRestore.ts';
import { EXTERNAL_DATABASE_SECRET } from '../plan/nextSteps.ts';
import type { ProjectOptions } from '../options/schema.ts';
import { applyWrites } from '../write/applyWrites.ts';
import type { Run } from '../run.ts';
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
  /** The run that launches: flyctl is stopped with it. */
  run?: Run;
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

/**
 * `scheme://user:password@` with the password as ****. Linear in the line's
 * length (flyctl's output is not ours to bound): each `://` is looked at once,
 * and a password scan that finds no '@' skips every `://` it passed over,
 * which could find none either.
 */
function maskUrlPasswords(line: string): string {
  let out = '';
  let copied = 0;
  let from = 0;
  for (let at = line.indexOf('://'); at !== -1; at = line.indexOf('://', from)) {
    from = at + 3;
    let start = at;
    while (start > 0 && /[a-z0-9+.-]/i.test(line[start - 1]!)) start -= 1;
    if (!/[a-z]/i.test(line.slice(start, at))) continue;
    let colon = at + 3;
    while (colon < line.length && !/[:/@\s]/.test(line[colon]!)) colon += 1;
    if (colon === at + 3 || line[colon] !== ':') continue;
    let end = colon + 1;
    while (end < line.length && !/[@\s]/.test(line[end]!)) end += 1;
    from = Math.max(from, end);
    if (end === colon + 1 || line[end] !== '@') continue;
    out += `${line.slice(copied, colon + 1)}****`;
    copied = end;
    from = end + 1;
  }
  return out + line.slice(copied);
}

/** flyctl prints connection strings with their passwords; terminals and CI logs keep them. */
export function maskSecrets(line: string): string {
  return maskUrlPasswords(line).replace(/^([ \t]*password:[ \t]*)\S.*$/i, '$1****');
}

interface FlyOutcome {
  exitCode: number | undefined;
  signal?: string;
  lines: string[];
}

async function runFly(binary: string, args: Argv, settings: LaunchSettings, stream: boolean): Promise<FlyOutcome> {
  // No stdin: flyctl then never waits on a prompt; every answer is in the arguments.
  // Loaded here, as in commands.ts: only a run that calls flyctl needs it.
  const { execa } = await import('execa');
  settings.run?.throwIfCancelled();
  const child = execa(binary, args, { cwd: settings.dir, env: settings.env, stdin: 'ignore', all: true, reject: false, buffer: false });
  settings.run?.track({ pid: child.pid, group: false, done: child });
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

function failure(command: string, run: FlyOutcome): CommandFailure {
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

  const reconciled = restoreFlyToml(ours, await readFile(flyTomlPath, 'utf8').catch(() => ''));
  // Through the one writer, like every other file of the project.
  if (reconciled.text !== undefined && reconciled.report.restored) applyWrites(settings.dir, [{ kind: 'write', path: 'fly.toml', content: reconciled.text }]);
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
