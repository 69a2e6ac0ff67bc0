/**
 * The option combinations the tier generates, and what each must produce.
 * The expectations are stated here on their own, not read from src/, so a
 * change in the generator that breaks them shows up as a difference.
 */
import { join } from 'node:path';
import { PYTHON_VERSIONS, REPO } from './toolbox.ts';

const SCALING_MODES = ['suspend', 'stop', 'warm', 'always-on'] as const;
export type Scaling = (typeof SCALING_MODES)[number];
export const MPG_REGIONS = ['ams', 'fra', 'gru', 'iad', 'lax', 'lhr', 'nrt', 'ord', 'sin', 'sjc', 'syd', 'yyz'];

export const POSTGRES_KINDS = ['none', 'managed', 'unmanaged', 'external'] as const;

export interface Variant {
  id: string;
  postgres: (typeof POSTGRES_KINDS)[number];
  /** Generated with `--yes` and nothing else: the project a user gets by accepting every default. */
  defaults?: boolean;
  /** Generated with `--kit <this folder>`; the other fields are what the kit's locks and defaults give. */
  kit?: string;
  scaling: Scaling;
  /** Only for warm. */
  minMachines: number;
  regions: string[];
  python: string;
}

export function variant(postgres: Variant['postgres'], scaling: Scaling, regions: string[], python: string): Variant {
  const id = `${postgres}-${scaling}-${regions.join('-')}-py${python.replace('.', '')}`;
  return { id, postgres, scaling, minMachines: scaling === 'warm' ? regions.length : 0, regions, python };
}

/** What `--yes` alone gives: the CLI's defaults, read from its --help by the tier's own eyes (Python 3.14, Managed Postgres, suspend, iad). */
export const DEFAULTS: Variant = { id: 'defaults-yes', postgres: 'managed', scaling: 'suspend', minMachines: 0, regions: ['iad'], python: '3.14', defaults: true };

/**
 * Postgres none/managed x every scaling mode x one region / several (Managed
 * Postgres regions both), on the machine's Python; the legacy and external
 * databases with one region and several; each other Python once, on a
 * multi-region Postgres project; and the `--yes` project exactly as a user gets it.
 */
export function matrix(mainPython: string): Variant[] {
  const out: Variant[] = [];
  for (const postgres of ['none', 'managed'] as const) {
    for (const scaling of SCALING_MODES) {
      for (const regions of [['iad'], ['iad', 'lhr']]) out.push(variant(postgres, scaling, regions, mainPython));
    }
  }
  out.push(variant('unmanaged', 'stop', ['iad'], mainPython), variant('unmanaged', 'warm', ['ord', 'cdg'], mainPython));
  out.push(variant('external', 'always-on', ['fra'], mainPython), variant('external', 'suspend', ['sin', 'syd'], mainPython));
  const others = PYTHON_VERSIONS.filter((version) => version !== mainPython && version !== DEFAULTS.python);
  others.forEach((python, index) => out.push(variant('managed', SCALING_MODES[index % SCALING_MODES.length]!, ['iad', 'lhr'], python)));
  out.push(DEFAULTS, acmeKit(mainPython));
  return out;
}

/** The example starter kit: Managed Postgres (locked), warm with 2 Machines in fra and ams (defaults). */
export function acmeKit(python: string): Variant {
  return { ...variant('managed', 'warm', ['fra', 'ams'], python), id: `kit-acme-py${python.replace('.', '')}`, minMachines: 2, kit: join(REPO, 'examples', 'acme-kit') };
}

export function appName(v: Variant): string {
  return `e2e-${v.id}`.replace(/[^a-z0-9-]/g, '-').slice(0, 63);
}

export function cliArgs(v: Variant, directory: string): string[] {
  if (v.defaults) return [directory, '--yes'];
  // The kit answers everything but the name, the Python and what this tier never wants (launch, git).
  if (v.kit) return [directory, '--kit', v.kit, '--name', appName(v), '--python', v.python, '--workflows', '--no-launch', '--no-git'];
  return [
    directory,
    '--name',
    appName(v),
    '--postgres',
    v.postgres,
    '--scaling',
    v.scaling,
    ...(v.scaling === 'warm' ? ['--min-machines', String(v.minMachines)] : []),
    '--regions',
    v.regions.join(','),
    '--python',
    v.python,
    '--workflows',
    '--no-launch',
    '--no-git',
  ];
}

export interface Expected {
  database: boolean;
  primaryRegion: string;
  extraRegions: string[];
  autoStop: 'suspend' | 'stop' | 'off';
  autoStart: boolean;
  minMachinesRunning: number;
  /** `fly launch --ha`: two Machines for redundancy. */
  highAvailability: boolean;
}

export function expected(v: Variant): Expected {
  const database = v.postgres !== 'none';
  // With writes replayed to the primary region, a Machine must stay there to take them.
  const replays = database && v.regions.length > 1;
  return {
    database,
    primaryRegion: v.regions[0]!,
    extraRegions: v.regions.slice(1),
    autoStop: ({ suspend: 'suspend', stop: 'stop', warm: 'stop', 'always-on': 'off' } as const)[v.scaling],
    autoStart: v.scaling !== 'always-on',
    minMachinesRunning: v.scaling === 'warm' ? v.minMachines : replays ? 1 : 0,
    highAvailability: v.scaling === 'always-on' || (v.scaling === 'warm' && v.minMachines >= 2),
  };
}
