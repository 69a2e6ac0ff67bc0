/**
 * What a `--launch` run means to the user, as leveled messages: what was
 * created, what flyctl changed in fly.toml, and what to run by hand to finish.
 * Pure; the command line decides how the messages look.
 */
import { databaseName, flyctlInstallCommand } from '../plan/flyCommands.ts';
import { EXTERNAL_DATABASE_SECRET } from '../plan/nextSteps.ts';
import type { ProjectOptions } from '../options/schema.ts';
import type { LaunchResult } from './launch.ts';

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
