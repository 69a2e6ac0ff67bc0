/**
 * fly.toml's release_command, run the way Fly runs it before a deploy: its
 * words (split as flyctl splits them) replace the image's CMD, in a Machine of
 * the new image with the app's [env] and secrets. Twice, because every deploy
 * runs it again; the second run must change nothing.
 */
import type { FlyToml } from './fly.ts';
import { machineEnv } from './fly.ts';
import { query, type AdminDb } from './postgres.ts';
import { CheckFailure, splitCommand, tail, type RunResult } from './run.ts';

const UPGRADE_RAN = /Running upgrade/;

/** Runs argv in a Machine of the image with the given environment on top of the image's; throws unless it exits 0. */
export type ImageRunner = (argv: string[], env: Record<string, string>) => Promise<RunResult>;

async function versionRows(admin: AdminDb, databaseUrl: string): Promise<string> {
  const exists = await query(admin, databaseUrl, "SELECT to_regclass('alembic_version') IS NOT NULL");
  if (exists !== 't') return '(no alembic_version table: nothing was committed)';
  return query(admin, databaseUrl, 'SELECT version_num FROM alembic_version ORDER BY 1');
}

/** Returns a line for the log; throws a CheckFailure on the first thing that does not hold. */
export async function checkReleaseCommand(runInImage: ImageRunner, entrypoint: string[], fly: FlyToml, admin: AdminDb, databaseUrl: string): Promise<string> {
  const command = fly.deploy?.release_command;
  if (!command) throw new CheckFailure('fly.toml has no [deploy] release_command');
  // The release command replaces CMD; an ENTRYPOINT stays in front of it.
  const argv = [...entrypoint, ...splitCommand(command)];
  const env = { ...machineEnv(fly, 'fly_app_release_command'), RELEASE_COMMAND: '1', DATABASE_URL: databaseUrl };

  const first = await runInImage(argv, env);
  // "Running upgrade  -> 0001, ..." for each step: the last one names the revision reached.
  const head = [...first.output.matchAll(/Running upgrade\s+\S*\s*->\s*(\w+)/g)].at(-1)?.[1];
  if (!head) throw new CheckFailure(`the first release_command applied no migration:\n${tail(first.output)}`);
  const applied = await versionRows(admin, databaseUrl);
  if (applied !== head) throw new CheckFailure(`alembic_version holds '${applied}', the upgrade reached '${head}'`);

  const second = await runInImage(argv, env);
  if (UPGRADE_RAN.test(second.output)) throw new CheckFailure(`the second release_command ran a migration again:\n${tail(second.output)}`);
  const after = await versionRows(admin, databaseUrl);
  if (after !== applied) throw new CheckFailure(`alembic_version changed on the second run: '${applied}' -> '${after}'`);

  // `alembic check` where the release command runs Alembic: the same folder, the same -c.
  const upgrade = argv.lastIndexOf('upgrade');
  const drift = await runInImage(upgrade === -1 ? [...entrypoint, 'alembic', 'check'] : [...argv.slice(0, upgrade), 'check'], env);
  if (!/No new upgrade operations detected/.test(drift.output)) throw new CheckFailure(`alembic check:\n${tail(drift.output)}`);
  return `release_command \`${command}\` ran as argv ${JSON.stringify(argv)}: applied ${head}, then a no-op; alembic check: no drift`;
}
