/**
 * The option combinations the tier generates, and what each must produce.
 * The expectations are stated here on their own, not read from src/, so a
 * change in the generator that breaks them shows up as a difference.
 */
import { PYTHON_VERSIONS } from './toolbox.ts';

const SCALING_MODES = ['suspend', 'stop', 'warm', 'always-on'] as const;
export type Scaling = (typeof SCALING_MODES)[number];
export const MPG_REGIONS = ['ams', 'fra', 'gru', 'iad', 'lax', 'lhr', 'nrt', 'ord', 'sin', 'sjc', 'syd', 'yyz'];

export interface Variant {
  id: string;
  postgres: 'none' | 'managed';
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

/**
 * Postgres none/managed x every scaling mode x one region / several (Managed
 * Postgres regions both), on the machine's Python; then each other Python once,
 * on a multi-region Postgres project.
 */
export function matrix(mainPython: string): Variant[] {
  const out: Variant[] = [];
  for (const postgres of ['none', 'managed'] as const) {
    for (const scaling of SCALING_MODES) {
      for (const regions of [['iad'], ['iad', 'lhr']]) out.push(variant(postgres, scaling, regions, mainPython));
    }
  }
  const others = PYTHON_VERSIONS.filter((version) => version !== mainPython);
  others.forEach((python, index) => out.push(variant('managed', SCALING_MODES[index % SCALING_MODES.length]!, ['iad', 'lhr'], python)));
  return out;
}

export function appName(v: Variant): string {
  return `e2e-${v.id}`.replace(/[^a-z0-9-]/g, '-');
}

export function cliArgs(v: Variant, directory: string): string[] {
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
