/**
 * Fly.io regions as of the 2025 consolidation. flyctl silently remaps the
 * retired codes and refuses new resources there, so we refuse them up front
 * and name the replacement.
 */
export interface Region {
  code: string;
  city: string;
  /** Fly Managed Postgres is offered here. */
  mpg: boolean;
}

export const REGIONS: readonly Region[] = [
  { code: 'ams', city: 'Amsterdam, Netherlands', mpg: true },
  { code: 'arn', city: 'Stockholm, Sweden', mpg: false },
  { code: 'bom', city: 'Mumbai, India', mpg: false },
  { code: 'cdg', city: 'Paris, France', mpg: false },
  { code: 'dfw', city: 'Dallas, Texas (US)', mpg: false },
  { code: 'ewr', city: 'Secaucus, New Jersey (US)', mpg: false },
  { code: 'fra', city: 'Frankfurt, Germany', mpg: true },
  { code: 'gru', city: 'Sao Paulo, Brazil', mpg: true },
  { code: 'iad', city: 'Ashburn, Virginia (US)', mpg: true },
  { code: 'jnb', city: 'Johannesburg, South Africa', mpg: false },
  { code: 'lax', city: 'Los Angeles, California (US)', mpg: true },
  { code: 'lhr', city: 'London, United Kingdom', mpg: true },
  { code: 'nrt', city: 'Tokyo, Japan', mpg: true },
  { code: 'ord', city: 'Chicago, Illinois (US)', mpg: true },
  { code: 'sin', city: 'Singapore', mpg: true },
  { code: 'sjc', city: 'San Jose, California (US)', mpg: true },
  { code: 'syd', city: 'Sydney, Australia', mpg: true },
  { code: 'yyz', city: 'Toronto, Canada', mpg: true },
];

export const RETIRED_REGIONS: Readonly<Record<string, string>> = {
  atl: 'dfw',
  den: 'dfw',
  mia: 'dfw',
  gdl: 'dfw',
  qro: 'dfw',
  bos: 'ewr',
  phx: 'lax',
  sea: 'sjc',
  yul: 'yyz',
  waw: 'ams',
  mad: 'cdg',
  otp: 'fra',
  bog: 'gru',
  gig: 'gru',
  scl: 'gru',
  eze: 'gru',
  hkg: 'sin',
};

export const DEFAULT_REGION = 'iad';

export function findRegion(code: string): Region | undefined {
  return REGIONS.find((region) => region.code === code);
}

export function mpgRegionCodes(): string[] {
  return REGIONS.filter((region) => region.mpg).map((region) => region.code);
}
