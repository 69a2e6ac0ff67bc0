/**
 * The flyctl commands that take a generated project to a launched (not yet
 * deployed) app. One list serves the --launch step, the printed next steps and
 * the generated README, so what we run and what we tell people to run agree.
 *
 * Each flag was checked against flyctl's own command definitions; the notes
 * below say why a flag is spelled the way it is.
 */
import { legacyDatabaseName } from '../options/rules.ts';
import type { ProjectOptions } from '../options/schema.ts';

export type Argv = readonly string[];

/** Where flyctl comes from, per platform (https://fly.io/docs/flyctl/install/). */
export function flyctlInstallCommand(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return 'pwsh -Command "iwr https://fly.io/install.ps1 -useb | iex"';
  if (platform === 'darwin') return 'brew install flyctl   # or: curl -L https://fly.io/install.sh | sh';
  return 'curl -L https://fly.io/install.sh | sh';
}

/** `fly launch` puts new apps in this organization when --org is not given. */
export const DEFAULT_ORG = 'personal';

/**
 * The legacy database's name (rules.ts: the app's, shortened to fit, plus a
 * suffix; never the app's own, never ending in a dash). Legacy Fly Postgres is
 * an app, so the name can be taken by someone else: the README and the next
 * steps say to pick another one then.
 */
export function databaseName(options: ProjectOptions): string {
  return legacyDatabaseName(options.name);
}

/** Scale-to-zero wants one Machine; always-on (and warm with 2+) wants two for redundancy. */
export function wantsHighAvailability(options: ProjectOptions): boolean {
  if (options.scaling === 'always-on') return true;
  if (options.scaling === 'warm') return options.minMachines >= 2;
  return false;
}

export function launchArgs(options: ProjectOptions): Argv {
  const args = [
    'launch',
    '--no-deploy',
    // Without --copy-config, --yes throws our fly.toml away and writes a new one.
    '--copy-config',
    '--yes',
    '--name',
    options.name,
    '--region',
    options.regions[0]!,
    // A boolean flag: only the --flag=value form can say false.
    `--ha=${wantsHighAvailability(options)}`,
    '--no-github-workflow',
    '--no-redis',
    '--no-object-storage',
  ];
  if (options.org) args.push('--org', options.org);
  // --db takes an optional value: "--db mpg" would read as --db=true plus a stray
  // argument, so the value is attached. Unmanaged Postgres is created separately
  // (see below), so launch creates no database for it.
  if (options.postgres === 'managed') args.push('--db=mpg');
  else args.push('--no-db');
  return args;
}

/**
 * The first deploy decides how many Machines exist. `fly launch --no-deploy`
 * does not remember --ha, and `fly deploy` defaults to two Machines, so a
 * scale-to-zero app says --ha=false here too. Later deploys keep the count.
 */
export function deployArgs(options: ProjectOptions): Argv {
  return wantsHighAvailability(options) ? ['deploy'] : ['deploy', '--ha=false'];
}

/**
 * Where the app-scoped commands run. Every command below runs in the project
 * directory, where flyctl reads the app's name from fly.toml: none of them says
 * --app, so they still reach the app when `fly launch` had to rename it.
 */
export interface Target {
  /** The organization the app was created in. */
  org?: string;
}

/**
 * Legacy Fly Postgres, created and attached after launch. Run on their own,
 * these fail with an exit code; inside `fly launch --db=upg` a failure is only
 * printed and launch still succeeds. Without a cluster size, VM size and volume
 * size, `postgres create` asks for a configuration, which fails without a
 * terminal; these values are the single-node "Development" preset.
 */
export function unmanagedPostgresArgs(options: ProjectOptions, target: Target = {}): Argv[] {
  if (options.postgres !== 'unmanaged') return [];
  const create = ['postgres', 'create', '--name', databaseName(options), '--region', options.regions[0]!];
  // Without a terminal and with several organizations, create refuses to guess one.
  const org = target.org ?? options.org;
  if (org) create.push('--org', org);
  create.push('--initial-cluster-size', '1', '--vm-size', 'shared-cpu-1x', '--volume-size', '1');
  return [create, ['postgres', 'attach', databaseName(options), '--yes']];
}

/**
 * Managed Postgres by hand, for when `fly launch --db=mpg` created the app but
 * not the cluster (launch prints that error and still exits 0). The attach
 * needs the cluster's ID, which `mpg create` prints.
 */
export function managedPostgresArgs(options: ProjectOptions, target: Target = {}): Argv[] {
  if (options.postgres !== 'managed') return [];
  const create = ['mpg', 'create', '--name', databaseName(options), '--region', options.regions[0]!, '--plan', 'basic'];
  const org = target.org ?? options.org;
  if (org) create.push('--org', org);
  return [create, ['mpg', 'attach', 'CLUSTER_ID']];
}

/** The first deploy creates at most two Machines (per process group). */
export const FIRST_DEPLOY_MACHINES = 2;

/**
 * `min_machines_running` keeps Machines from stopping but creates none, so a warm
 * minimum above what the first deploy creates needs its Machines made by hand.
 */
export function primaryScaleArgs(options: ProjectOptions): Argv[] {
  if (options.scaling !== 'warm' || options.minMachines <= FIRST_DEPLOY_MACHINES) return [];
  return [['scale', 'count', String(options.minMachines), '--region', options.regions[0]!, '--yes']];
}

/** One Machine in each extra region; run after the first deploy, when there is a Machine to clone. */
export function extraRegionArgs(options: ProjectOptions): Argv[] {
  return options.regions.slice(1).map((region) => ['scale', 'count', '1', '--region', region, '--yes']);
}

export function formatCommand(binary: string, args: Argv): string {
  return [binary, ...args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))].join(' ');
}
