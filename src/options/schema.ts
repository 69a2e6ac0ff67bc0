/**
 * The one list of options. It drives the flag parser, the prompts, `--help`,
 * validation in every mode and the "run this next time" line, so a new option
 * is added here and nowhere else.
 */
import { DEFAULT_REGION, RETIRED_REGIONS, findRegion, mpgRegionCodes } from './regions.ts';
import { basename, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { NAME_MAX_BYTES, appNameProblem, formatMemory, memoryLimits, memoryProblem } from './rules.ts';

export const POSTGRES_KINDS = ['none', 'managed', 'unmanaged', 'external'] as const;
export const SCALING_MODES = ['suspend', 'stop', 'warm', 'always-on'] as const;
export const PYTHON_VERSIONS = ['3.11', '3.12', '3.13', '3.14'] as const;
export const VM_SIZES = [
  'shared-cpu-1x',
  'shared-cpu-2x',
  'shared-cpu-4x',
  'shared-cpu-8x',
  'performance-1x',
  'performance-2x',
  'performance-4x',
  'performance-8x',
  'performance-16x',
] as const;

export type PostgresKind = (typeof POSTGRES_KINDS)[number];
export type ScalingMode = (typeof SCALING_MODES)[number];
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];
export type VmSize = (typeof VM_SIZES)[number];

/** Everything that decides what is generated and what runs afterwards. */
export interface ProjectOptions {
  /** Where to write the project, as the user gave it. */
  directory: string;
  /** Fly app name; also the Python project name. */
  name: string;
  postgres: PostgresKind;
  scaling: ScalingMode;
  /** Machines kept running in the primary region (only for scaling "warm"). */
  minMachines: number;
  /** Fly region codes; the first is the primary region. */
  regions: string[];
  python: PythonVersion;
  vmSize: VmSize;
  vmMemory: string;
  /** GitHub Actions workflows: CI (lint, tests, migrations) and deploy. */
  workflows: boolean;
  launch: boolean;
  org: string | undefined;
  git: boolean;
  lock: boolean;
}

/** What the machine offers; decides a few defaults. Filled in by the CLI. */
export interface Environment {
  hasGit: boolean;
  hasUv: boolean;
  /** The target's parent is already inside a git work tree. */
  insideGitRepo: boolean;
}

export interface Choice<T extends string> {
  value: T;
  label: string;
  hint: string;
}

type Resolved = Partial<ProjectOptions>;

export interface OptionDef<K extends keyof ProjectOptions = keyof ProjectOptions> {
  key: K;
  /** Long flag without dashes. Absent for the positional directory. */
  flag?: string;
  /** A boolean flag is also accepted as --no-<flag>. */
  boolean?: boolean;
  /** For a value flag, what --no-<flag> means (e.g. --no-postgres = none). */
  negated?: ProjectOptions[K];
  placeholder?: string;
  summary: string;
  /** Shown in --help after "default:". */
  defaultText?: string;
  choices?: readonly Choice<string>[];
  /** Asked interactively, and required without --yes in a non-interactive run. */
  question?: string;
  /** False when the option means nothing for the options resolved so far. */
  appliesTo?(resolved: Resolved): boolean;
  /** Completes "<flag> applies only ..." when given where it does not apply. */
  appliesText?: string;
  parse?(raw: string): ProjectOptions[K];
  /** `given` holds every value given up front (flags, a kit), for defaults that follow a later option. */
  defaultValue(resolved: Resolved, env: Environment, given?: Resolved): ProjectOptions[K];
  /** Checks against options resolved before this one; returns a one-line problem. */
  check?(value: ProjectOptions[K], resolved: Resolved): string | undefined;
}

function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (raw: string): T => {
    const value = raw.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new UsageError(`--${flag}: '${raw}' is not one of ${allowed.join(', ')}`);
  };
}

/**
 * The directory's own name, made a valid app name. "." and ".." name the folder
 * they stand for; the path is resolved as text, without touching the disk.
 */
export function appNameFromDirectory(directory: string): string {
  const base = basename(resolve(directory.replace(/[\\/]+$/, '') || '.'));
  const cleaned = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (cleaned.length >= 2) return cleaned;
  return cleaned ? `${cleaned}-api` : 'fly-fastapi-app';
}

export function checkAppName(name: string): string | undefined {
  return appNameProblem(name);
}

/** The largest Machine (performance-16x) has 128 GB. */
const LARGEST_MEMORY_MB = 8192 * 16;

/** Memory in MB, or undefined when the text is not a whole amount of mb or gb. */
export function memoryInMb(text: string): number | undefined {
  const match = /^(\d{1,9})\s*(mb|gb)$/i.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (match[2]!.toLowerCase() === 'gb' ? 1024 : 1);
}

/** What a new Machine of this size gets unless told: 512 MB where the size allows it. */
export function defaultMemory(size: string): string {
  const { min, max } = memoryLimits(size);
  return formatMemory(Math.min(Math.max(512, min), max));
}

function directoryProblem(value: string): string | undefined {
  if (!value.trim()) return 'the directory must not be empty';
  const tooLong = value.split(/[\\/]/).find((segment) => Buffer.byteLength(segment) > NAME_MAX_BYTES);
  if (tooLong !== undefined) return `a folder name is at most ${NAME_MAX_BYTES} bytes; '${tooLong.slice(0, 20)}...' has ${Buffer.byteLength(tooLong)}`;
  return undefined;
}

export function checkRegions(regions: string[], postgres: PostgresKind | undefined): string | undefined {
  if (regions.length === 0) return 'give at least one region';
  const seen = new Set<string>();
  for (const code of regions) {
    if (seen.has(code)) return `region '${code}' is listed twice`;
    seen.add(code);
    const replacement = RETIRED_REGIONS[code];
    if (replacement) return `region '${code}' was retired by Fly.io; use '${replacement}' instead`;
    if (!findRegion(code)) return `'${code}' is not a Fly.io region (see https://fly.io/docs/reference/regions/)`;
  }
  const primary = regions[0]!;
  if (postgres === 'managed' && !findRegion(primary)!.mpg) {
    return `Managed Postgres is not offered in '${primary}'; pick a primary region from ${mpgRegionCodes().join(', ')} or use --postgres unmanaged|external`;
  }
  return undefined;
}

export function parseRegionList(raw: string): string[] {
  return raw
    .split(',')
    .map((code) => code.trim().toLowerCase())
    .filter(Boolean);
}

export const OPTIONS: readonly OptionDef[] = [
  {
    key: 'directory',
    summary: 'where to create the project',
    question: 'Where should the project be created?',
    defaultText: 'the app name, or fly-fastapi-app',
    // `--name foo` alone writes ./foo.
    defaultValue: (_resolved, _env, given) => given?.name ?? 'fly-fastapi-app',
    check: (value) => directoryProblem(value),
  } satisfies OptionDef<'directory'>,
  {
    key: 'name',
    flag: 'name',
    placeholder: '<app>',
    summary: 'Fly app name',
    defaultText: "the directory's name, made valid",
    parse: (raw) => raw.trim(),
    defaultValue: (resolved) => appNameFromDirectory(resolved.directory ?? ''),
    check: (value) => checkAppName(value),
  } satisfies OptionDef<'name'>,
  {
    key: 'postgres',
    flag: 'postgres',
    placeholder: '<kind>',
    negated: 'none',
    summary: 'database: none | managed | unmanaged | external',
    defaultText: 'managed',
    question: 'Does the service need Postgres?',
    choices: [
      { value: 'managed', label: 'Fly Managed Postgres', hint: 'Fly runs backups and failover; a monthly bill, even while the app sleeps' },
      { value: 'unmanaged', label: 'Fly Postgres (legacy)', hint: 'Postgres on Machines of your own: cheaper, but backups and upgrades are yours' },
      { value: 'external', label: 'Bring your own', hint: 'a Postgres you already have (Neon, Supabase, RDS...); you set DATABASE_URL' },
      { value: 'none', label: 'No database', hint: 'a stateless API; you pay for the app only' },
    ],
    parse: oneOf('postgres', POSTGRES_KINDS),
    defaultValue: () => 'managed',
  } satisfies OptionDef<'postgres'>,
  {
    key: 'scaling',
    flag: 'scaling',
    placeholder: '<mode>',
    summary: 'suspend | stop | warm | always-on',
    defaultText: 'suspend',
    question: 'What should happen when no requests come in?',
    choices: [
      { value: 'suspend', label: 'Suspend', hint: 'no Machine bill while idle; wakes in a few hundred ms (memory up to 2 GB)' },
      { value: 'stop', label: 'Stop', hint: 'no Machine bill while idle; the first request waits for a ~2 s cold boot' },
      { value: 'warm', label: 'Keep some warm', hint: 'the Machines you choose stay on, billed around the clock; extra ones stop' },
      { value: 'always-on', label: 'Always on', hint: 'no cold starts; two Machines billed around the clock' },
    ],
    parse: oneOf('scaling', SCALING_MODES),
    defaultValue: () => 'suspend',
  } satisfies OptionDef<'scaling'>,
  {
    key: 'minMachines',
    flag: 'min-machines',
    placeholder: '<n>',
    summary: 'Machines kept running in the primary region (warm)',
    defaultText: '1',
    question: 'How many Machines should stay on in the primary region? Each is billed around the clock.',
    appliesTo: (resolved) => resolved.scaling === 'warm',
    appliesText: 'with --scaling warm',
    parse: (raw) => {
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
        throw new UsageError(`--min-machines: '${raw}' is not a whole number`);
      }
      return value;
    },
    defaultValue: (resolved) => (resolved.scaling === 'warm' ? 1 : 0),
    check: (value) =>
      value >= 1 && value <= 20 ? undefined : `--min-machines: warm needs between 1 and 20 Machines, got ${value}`,
  } satisfies OptionDef<'minMachines'>,
  {
    key: 'regions',
    flag: 'regions',
    placeholder: '<list>',
    summary: 'comma-separated Fly regions; the first is primary',
    defaultText: DEFAULT_REGION,
    question: 'Which regions should it run in?',
    parse: parseRegionList,
    defaultValue: () => [DEFAULT_REGION],
    check: (value, resolved) => {
      const problem = checkRegions(value, resolved.postgres);
      return problem && `--regions: ${problem}`;
    },
  } satisfies OptionDef<'regions'>,
  {
    key: 'python',
    flag: 'python',
    placeholder: '<version>',
    summary: PYTHON_VERSIONS.join(' | '),
    defaultText: '3.14',
    parse: oneOf('python', PYTHON_VERSIONS),
    defaultValue: () => '3.14',
  } satisfies OptionDef<'python'>,
  {
    key: 'vmSize',
    flag: 'vm-size',
    placeholder: '<size>',
    summary: 'Machine size, e.g. shared-cpu-2x, performance-1x',
    defaultText: 'shared-cpu-1x',
    parse: oneOf('vm-size', VM_SIZES),
    defaultValue: () => 'shared-cpu-1x',
  } satisfies OptionDef<'vmSize'>,
  {
    key: 'vmMemory',
    flag: 'vm-memory',
    placeholder: '<size>',
    summary: 'Machine memory, e.g. 512mb, 1gb',
    defaultText: '512mb (more where the size needs it)',
    parse: (raw) => {
      const mb = memoryInMb(raw);
      if (mb === undefined) throw new UsageError(`--vm-memory: '${raw}' is not a memory size like 512mb or 1gb`);
      if (mb > LARGEST_MEMORY_MB) throw new UsageError(`--vm-memory: '${raw}' is more than the largest Machine has (${formatMemory(LARGEST_MEMORY_MB)})`);
      return formatMemory(mb);
    },
    defaultValue: (resolved) => defaultMemory(resolved.vmSize ?? 'shared-cpu-1x'),
    check: (value, resolved) => {
      const mb = memoryInMb(value);
      if (mb === undefined) return `--vm-memory: '${value}' is not a memory size like 512mb or 1gb`;
      const problem = memoryProblem(mb, resolved.vmSize ?? 'shared-cpu-1x');
      if (problem) return `--vm-memory: ${problem}`;
      return resolved.scaling === 'suspend' && mb > 2048
        ? `--vm-memory: suspend works only up to 2gb; use --scaling stop for ${value}`
        : undefined;
    },
  } satisfies OptionDef<'vmMemory'>,
  {
    key: 'workflows',
    flag: 'workflows',
    boolean: true,
    summary: 'GitHub Actions: CI on every push, deploy from main',
    defaultText: 'yes',
    question: 'Add GitHub Actions? CI runs ruff and pytest on every push; main deploys once a FLY_API_TOKEN secret is set.',
    defaultValue: () => true,
  } satisfies OptionDef<'workflows'>,
  {
    key: 'launch',
    flag: 'launch',
    boolean: true,
    summary: 'run `fly launch --no-deploy` afterwards',
    defaultText: 'no',
    question: 'Create the Fly app now with fly launch --no-deploy? It needs flyctl, logged in; nothing is deployed.',
    defaultValue: () => false,
  } satisfies OptionDef<'launch'>,
  {
    key: 'org',
    flag: 'org',
    placeholder: '<slug>',
    summary: 'Fly organization for --launch',
    defaultText: 'your personal organization',
    appliesTo: (resolved) => resolved.launch === true,
    appliesText: 'with --launch',
    parse: (raw) => {
      const value = raw.trim();
      if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) throw new UsageError(`--org: '${raw}' is not an organization slug`);
      return value;
    },
    defaultValue: () => undefined,
  } satisfies OptionDef<'org'>,
  {
    key: 'git',
    flag: 'git',
    boolean: true,
    summary: 'git init and a first commit',
    defaultText: 'yes when git exists',
    defaultValue: (_resolved, env) => env.hasGit && !env.insideGitRepo,
  } satisfies OptionDef<'git'>,
  {
    key: 'lock',
    flag: 'lock',
    boolean: true,
    summary: 'run `uv lock` so uv.lock exists',
    defaultText: 'yes when uv exists',
    defaultValue: (_resolved, env) => env.hasUv,
  } satisfies OptionDef<'lock'>,
] as OptionDef[];

export function optionByKey<K extends keyof ProjectOptions>(key: K): OptionDef<K> {
  const def = OPTIONS.find((option) => option.key === key);
  if (!def) throw new Error(`unknown option ${key}`);
  return def as unknown as OptionDef<K>;
}

export function flagName(def: OptionDef): string {
  return def.flag ? `--${def.flag}` : '[directory]';
}
