/** What to do after the project is written: the exact commands for this variant. */
import type { ProjectOptions } from '../options/schema.ts';
import { deployArgs, extraRegionArgs, formatCommand, launchArgs, primaryScaleArgs, unmanagedPostgresArgs } from './flyCommands.ts';

/**
 * `<url>` is a redirection to the shell, so this line fails in the shell if pasted as it
 * is; a placeholder that looked like a URL would reach Fly and fail the release command.
 */
export const EXTERNAL_DATABASE_SECRET = 'fly secrets set DATABASE_URL=<url>   # your PostgreSQL URL, see README';

export interface Outcome {
  locked: boolean;
  launched: boolean;
  /** The app's name after `fly launch`: flyctl picks another when ours is taken. */
  appName?: string;
}

function shellPath(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}

/**
 * Every flyctl command here runs after `cd` into the project, where flyctl takes
 * the app's name from fly.toml; so none says --app, and a renamed app is still found.
 */
export function nextSteps(options: ProjectOptions, outcome: Outcome): string[] {
  const fly = (args: readonly string[]) => formatCommand('fly', args);
  const steps = [`cd ${shellPath(options.directory)}`];
  if (!outcome.locked) steps.push('uv lock                       # the Docker build needs uv.lock (uv sync --locked)');
  steps.push('uv sync');
  if (options.postgres !== 'none') {
    steps.push(
      'docker compose up -d --wait   # a local PostgreSQL (compose.yaml)',
      'cp .env.example .env          # its DATABASE_URL points there',
      'uv run alembic upgrade head',
    );
  }
  steps.push('uv run fastapi dev            # http://127.0.0.1:8000/docs', 'uv run pytest');
  if (!outcome.launched) {
    steps.push(fly(launchArgs(options)));
    const [create, attach] = unmanagedPostgresArgs(options).map(fly);
    // The database is an app too, and app names are global: it can be taken.
    if (create && attach) steps.push('# the database is an app: if its name is taken, use another in both', create, attach);
  }
  // Secrets go to Fly only: never into fly.toml, .env or the image. Managed Postgres needs
  // nothing here: its pooled URL runs migrations too, so the direct one is optional.
  if (options.postgres === 'external') steps.push(EXTERNAL_DATABASE_SECRET);
  steps.push(fly(deployArgs(options)));
  steps.push(...primaryScaleArgs(options).map(fly), ...extraRegionArgs(options).map(fly));
  return steps;
}
